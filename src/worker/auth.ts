import type { Config } from '../shared/config'
import { XRPCError } from '../shared/xrpc-error'

const authRequired = (message: string) =>
  new XRPCError(401, 'AuthenticationRequired', message, { 'WWW-Authenticate': 'Bearer' })

/**
 * The one place that decides whether a request acts as the owner. For now the
 * only credential is the static `AUTH_TOKEN` bearer; sessions slot in here.
 */
export async function requireOwner(req: Request, config: Config): Promise<void> {
  const header = req.headers.get('authorization')
  if (!header) throw authRequired('Authentication Required')
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match?.[1]) throw new XRPCError(400, 'InvalidToken', 'Malformed authorization header')
  if (config.authToken === null || !(await constantTimeEqual(match[1], config.authToken))) {
    throw new XRPCError(400, 'InvalidToken', 'Token could not be verified')
  }
}

/** Compares two secrets without leaking where they differ: both are hashed first. */
async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder()
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(a)),
    crypto.subtle.digest('SHA-256', enc.encode(b)),
  ])
  return crypto.subtle.timingSafeEqual(ha, hb)
}
