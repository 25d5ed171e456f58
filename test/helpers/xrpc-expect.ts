import { expect } from 'vitest'
import { BASE_URL, OWNER, workerFetch, xrpc } from './client'

export type XrpcErrorBody = { error: string; message: string }

/** Asserts an XRPC error response: status, JSON `{error, message}` with exactly those keys. */
export async function expectXrpcError(res: Response, status: number, error: string): Promise<XrpcErrorBody> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text) as XrpcErrorBody
  expect(Object.keys(body).sort()).toEqual(['error', 'message'])
  expect(body.error).toBe(error)
  expect(typeof body.message).toBe('string')
  expect(body.message.length).toBeGreaterThan(0)
  return body
}

export type RepoHead = { cid: string; rev: string }

/** The repo head as `com.atproto.sync.getLatestCommit` reports it. */
export async function repoHead(): Promise<RepoHead> {
  const res = await xrpc('com.atproto.sync.getLatestCommit', { query: { did: OWNER.did }, auth: false })
  expect(res.status).toBe(200)
  return (await res.json()) as RepoHead
}

/** Runs a failing write and checks it left the repo head where it was. */
export async function expectNoCommit(write: () => Promise<unknown>): Promise<void> {
  const before = await repoHead()
  await write()
  expect(await repoHead()).toEqual(before)
}

/** A POST with the owner's token and an arbitrary body and Content-Type. */
export function rawPost(nsid: string, body: BodyInit | null, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${OWNER.authToken}` }
  if (contentType !== undefined) headers['content-type'] = contentType
  return workerFetch(new URL(`/xrpc/${nsid}`, BASE_URL), { method: 'POST', headers, body })
}
