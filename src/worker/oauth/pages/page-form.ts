import { readLimited } from '../../read-limited'

/** A form post is a few short fields; anything bigger is not one of ours. */
const FORM_LIMIT = 16 * 1024

/** The fields of an `application/x-www-form-urlencoded` POST; null when it is not one or too big. */
export async function readForm(req: Request): Promise<URLSearchParams | null> {
  const type = req.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded' || !req.body) return null
  const bytes = await readLimited(req.body, FORM_LIMIT)
  if (bytes === null) return null
  return new URLSearchParams(new TextDecoder().decode(bytes))
}
