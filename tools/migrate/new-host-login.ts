import { AtpAgent } from '@atproto/api'

const CREATE_ACCOUNT = 'com.atproto.server.createAccount'

/**
 * A session at the new host. A host that already has the account (this PDS, configured with
 * the DID; or a re-run) takes the password. Otherwise the account is created the standard way:
 * `createAccount` with the DID, carrying a service JWT from the old host (`aud` the new host's
 * DID, `lxm` createAccount) that proves the DID's current key; the new account starts
 * deactivated until the DID document names it.
 */
export async function newHostSession(o: {
  newUrl: string
  did: string
  password: string
  old: AtpAgent
  handle: string
  email: string | null
  log: (line: string) => void
}): Promise<AtpAgent> {
  const agent = new AtpAgent({ service: o.newUrl })
  let loginError: unknown
  try {
    await agent.login({ identifier: o.did, password: o.password })
    return agent
  } catch (e) {
    loginError = e
  }
  const { data: server } = await agent.com.atproto.server.describeServer()
  const { data: auth } = await o.old.com.atproto.server.getServiceAuth({
    aud: server.did,
    lxm: CREATE_ACCOUNT,
  })
  try {
    await agent.com.atproto.server.createAccount(
      { did: o.did, handle: o.handle, password: o.password, ...(o.email ? { email: o.email } : {}) },
      { headers: { authorization: `Bearer ${auth.token}` } },
    )
  } catch (e) {
    throw new Error(
      `could not log in at ${o.newUrl} (${message(loginError)}) nor create the account there (${message(e)})`,
    )
  }
  o.log(`created the account at ${o.newUrl} (${server.did}), deactivated until the move completes`)
  await agent.login({ identifier: o.did, password: o.password })
  return agent
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))
