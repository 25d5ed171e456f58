import { describe, expect, it } from 'vitest'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { pds } from './harness/pds-context'

const LXM = 'com.atproto.repo.uploadBlob'

/** The bytes of a tiny MP4 header box, enough for a video MIME check. */
const MP4 = Uint8Array.from(Buffer.from('0000001866747970697336000000000069736f366d703431', 'hex'))

describe('the Bluesky app video flow', () => {
  it('lets a video service upload with the token the app asks for, audience as the app derives it', async () => {
    const id = pds()
    const agent = await loggedInAgent(id)
    // The app derives the audience from the PDS URL's hostname, without the port.
    const audiences = [
      `did:web:${new URL(id.baseUrl).hostname}`,
      `did:web:${new URL(id.baseUrl).host.replace(':', '%3A')}`,
    ]
    for (const aud of audiences) {
      const exp = Math.floor(Date.now() / 1000) + 30 * 60
      const { token } = (await agent.com.atproto.server.getServiceAuth({ aud, lxm: LXM, exp })).data
      // The video service calls uploadBlob on the PDS with that token.
      const res = await fetch(`${id.baseUrl}/xrpc/${LXM}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4' },
        body: MP4,
      })
      expect(res.status, await res.clone().text()).toBe(200)
      const { blob } = (await res.json()) as { blob: { mimeType: string } }
      expect(blob.mimeType).toBe('video/mp4')
      // One use only.
      const again = await fetch(`${id.baseUrl}/xrpc/${LXM}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4' },
        body: MP4,
      })
      expect(again.status).toBe(401)
      await again.body?.cancel()
    }
    reportCheck(
      'video',
      `uploadBlob with service tokens for ${audiences.join(' and ')}; a second use refused`,
    )
  })
})
