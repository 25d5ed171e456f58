import { describe, expect, it } from 'vitest'
import { noise, upload } from './helpers/blobs'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { freshNonce, oauthSession } from './helpers/oauth-client'

describe('an OAuth credential is not the owner', () => {
  it("gets the status page's public view, not the owner's", async () => {
    const s = await oauthSession('atproto transition:generic')
    const token = s.tokens.access_token
    const statusAs = async (authorization: string, dpop?: string) => {
      const headers: Record<string, string> = { accept: 'application/json', authorization }
      if (dpop) headers.dpop = dpop
      return ((await (await workerFetch(`${BASE_URL}/`, { headers })).json()) as { owner: boolean }).owner
    }
    const proof = await s.client.key.proof('GET', `${BASE_URL}/`, {
      nonce: await freshNonce(),
      accessToken: token,
    })
    expect(await statusAs(`DPoP ${token}`, proof)).toBe(false)
    expect(await statusAs(`Bearer ${OWNER.authToken}`)).toBe(true)
  })

  it('cannot read an unreferenced blob', async () => {
    const { blob } = await upload(noise(64), 'application/octet-stream')
    const s = await oauthSession('atproto transition:generic')
    const res = await s.fetchXrpc('com.atproto.sync.getBlob', {
      query: { did: OWNER.did, cid: blob.ref.$link },
    })
    expect(res.status, await res.clone().text()).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe('BlobNotFound')
  })
})
