/** A procedure call to `pdsUrl` as the owner; a non-2xx answer throws with its status and text. */
export type OwnerCall = (nsid: string, body?: RequestInit['body'], type?: string) => Promise<Response>

export function ownerCall(pdsUrl: string, token: string, fetchFn: typeof fetch): OwnerCall {
  return async (nsid, body, type = 'application/json') => {
    const res = await fetchFn(`${pdsUrl}/xrpc/${nsid}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': type }),
      },
      body,
    })
    if (!res.ok) throw new Error(`${nsid}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
    return res
  }
}
