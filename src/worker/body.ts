import { invalidRequest, XRPCError } from '../shared/xrpc-error'
import { readLimited } from './read-limited'

async function readLimitedText(body: ReadableStream<Uint8Array>, limit: number): Promise<string | null> {
  const bytes = await readLimited(body, limit)
  return bytes && bytes.byteLength <= limit ? new TextDecoder().decode(bytes) : null
}

/** Default JSON body limit of the reference PDS; record writes allow more. */
export const DEFAULT_JSON_LIMIT = 150_000

/**
 * A Content-Length within `limit`: the body is then read as text in one native call instead
 * of chunk by chunk (HTTP framing holds the body to that length; the size is still checked).
 */
function declaredWithin(req: Request, limit: number): boolean {
  const header = req.headers.get('content-length')
  if (header === null || !/^\d+$/.test(header)) return false
  return Number(header) <= limit
}

/**
 * Reads a JSON object body without trusting Content-Length: stops at `limit` bytes
 * with 413 PayloadTooLarge. A missing or non-JSON body is 400 InvalidRequest.
 */
export async function readJsonBody(
  req: Request,
  limit = DEFAULT_JSON_LIMIT,
): Promise<Record<string, unknown>> {
  const type = req.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith('application/json')) {
    throw invalidRequest(`Wrong request encoding (Content-Type): ${type || 'none'}`)
  }
  if (!req.body) throw invalidRequest('Request body is required')
  const text = declaredWithin(req, limit) ? await req.text() : await readLimitedText(req.body, limit)
  // UTF-8 takes at least one byte per UTF-16 unit: a longer text is over the limit for sure.
  if (text === null || text.length > limit) {
    throw new XRPCError(413, 'PayloadTooLarge', `Request body is larger than ${limit} bytes`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalidRequest('Request body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('Request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}
