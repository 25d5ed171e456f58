import type { AtpAgent } from '@atproto/api'

/** edge-pds sends no email: its owner reads the token with this method (see `npm run plc-token`). */
const EDGE_PDS_TOKEN_NSID = 'dev.edgepds.identity.getPlcOperationToken'

/**
 * The PLC operation token. A token given in `MIGRATE_PLC_TOKEN` is used as is (one already
 * requested, e.g. on a re-run). Otherwise one is requested at the old host; an edge-pds old
 * host hands it to the logged-in owner directly, any other emails it and it is asked for.
 */
export async function plcOperationToken(o: {
  old: AtpAgent
  fromEnv: string | null
  ask: () => Promise<string>
  fetch: typeof fetch
  log: (line: string) => void
}): Promise<string> {
  if (o.fromEnv) return o.fromEnv
  await o.old.com.atproto.identity.requestPlcOperationSignature()
  const res = await o.fetch(`${o.old.serviceUrl.origin}/xrpc/${EDGE_PDS_TOKEN_NSID}`, {
    headers: { authorization: `Bearer ${o.old.session?.accessJwt ?? ''}` },
  })
  if (res.ok) {
    const { token } = (await res.json()) as { token: string }
    o.log('PLC token: read from the old edge-pds host')
    return token
  }
  await res.body?.cancel()
  o.log('PLC token: requested; the old PDS emails it to the account address')
  return o.ask()
}

/**
 * Points the DID at the new host: the credentials it recommends (its rotation key, signing
 * key, endpoint, handle), signed by the old host with the token, submitted by the new host
 * (which checks the operation names it and sends it to the PLC directory).
 */
export async function movePlcIdentity(o: { old: AtpAgent; neu: AtpAgent; token: string }): Promise<void> {
  const { data: credentials } = await o.neu.com.atproto.identity.getRecommendedDidCredentials()
  const { data: signed } = await o.old.com.atproto.identity.signPlcOperation({
    token: o.token,
    ...credentials,
  })
  await o.neu.com.atproto.identity.submitPlcOperation({ operation: signed.operation })
}
