/**
 * An access token for the owner from the password (`createSession`), for a deployment made by
 * `npm run setup`, which has no `AUTH_TOKEN`. The identifier is the DID, which a restore knows
 * from the backup before the handle resolves to the new host.
 */
export async function sessionToken(
  pdsUrl: string,
  identifier: string,
  password: string,
  fetchFn: typeof fetch,
): Promise<string> {
  const res = await fetchFn(`${pdsUrl}/xrpc/com.atproto.server.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  })
  if (!res.ok) throw new Error(`createSession: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`)
  return ((await res.json()) as { accessJwt: string }).accessJwt
}
