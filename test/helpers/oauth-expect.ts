import { expect } from 'vitest'
import type { TokenSet } from './oauth-client'

/** Asserts an RFC 6749 error answer: status, `{error, error_description}` and a DPoP-Nonce. */
export async function expectOAuthError(res: Response, status: number, error: string): Promise<string> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  const body = JSON.parse(text) as { error: string; error_description: string }
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description'])
  expect(body.error, text).toBe(error)
  expect(res.headers.get('dpop-nonce')).toBeTruthy()
  return body.error_description
}

/** Asserts a 200 token response and returns its tokens. */
export async function tokens(res: Response): Promise<TokenSet> {
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as TokenSet
}
