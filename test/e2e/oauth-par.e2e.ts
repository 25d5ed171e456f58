import { NodeOAuthClient, type NodeSavedSession, type NodeSavedState } from '@atproto/oauth-client-node'
import { buildAtprotoLoopbackClientMetadata } from '@atproto/oauth-types'
import { describe, expect, it } from 'vitest'
import { reportCheck } from './harness/check-log'
import { pds } from './harness/pds-context'

const memoryStore = <V>() => {
  const m = new Map<string, V>()
  return {
    set: async (key: string, value: V) => void m.set(key, value),
    get: async (key: string) => m.get(key),
    del: async (key: string) => void m.delete(key),
  }
}

describe('OAuth with the real @atproto/oauth-client-node', () => {
  it('discovers the authorization server from the DID and pushes its request (DPoP nonce retry included)', async () => {
    const id = pds()
    const client = new NodeOAuthClient({
      clientMetadata: buildAtprotoLoopbackClientMetadata({
        scope: 'atproto transition:generic',
        redirect_uris: ['http://127.0.0.1/callback'],
      }),
      stateStore: memoryStore<NodeSavedState>(),
      sessionStore: memoryStore<NodeSavedSession>(),
      handleResolver: id.baseUrl,
      allowHttp: true,
    })
    // DID document → protected resource metadata → authorization server metadata (validated
    // by the client) → PAR with PKCE and a DPoP proof, retried with the server's nonce.
    const url = await client.authorize(id.did)
    expect(url.origin + url.pathname).toBe(`${id.baseUrl}/oauth/authorize`)
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    reportCheck('oauth', 'oauth-client-node resolved the server and its PAR was accepted (201)')
  })
})
