import { AtpAgent } from '@atproto/api'
import { loopbackFetch } from '../harness/loopback-fetch'
import type { PdsIdentity } from '../harness/pds-identity'

/** An agent that logged in with the owner's handle and password (the app's legacy flow). */
export async function loggedInAgent(id: PdsIdentity): Promise<AtpAgent> {
  const agent = new AtpAgent({ service: id.baseUrl, fetch: loopbackFetch })
  await agent.login({ identifier: id.handle, password: id.password })
  return agent
}

/** An agent with no session, for the public sync and identity reads. */
export const publicAgent = (id: PdsIdentity): AtpAgent =>
  new AtpAgent({ service: id.baseUrl, fetch: loopbackFetch })
