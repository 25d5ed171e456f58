/**
 * The password epoch: a keyed hash of `PASSWORD` under `JWT_SECRET`, never the password
 * itself. The account actor stores it and revokes every session when it changes; session
 * tokens carry its first characters (`epochClaim`) so a token minted under another
 * password is refused without asking the actor. Rotating `JWT_SECRET` changes it too.
 */
export async function passwordEpoch(password: string, jwtSecret: string): Promise<string> {
  const enc = new TextEncoder()
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(jwtSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, enc.encode(`edge-pds password epoch\0${password}`)),
  )
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The token claim: 64 bits of the epoch, enough to tell epochs apart and too few to matter if leaked. */
export const epochClaim = (epoch: string): string => epoch.slice(0, 16)
