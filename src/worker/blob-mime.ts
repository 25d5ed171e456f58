/** Bytes needed to recognise every signature below (WebP needs 12). */
export const SNIFF_BYTES = 12

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0))

const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0): boolean =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b)

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const JPEG = [0xff, 0xd8, 0xff]
const EBML = [0x1a, 0x45, 0xdf, 0xa3]
/** QuickTime files may open with an atom other than `ftyp`. */
const QUICKTIME_ATOMS = ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].map(ascii)

type Signature = (bytes: Uint8Array) => boolean

/** Magic-byte checks for the image and video types the Bluesky app uploads. */
const SIGNATURES: Record<string, Signature> = {
  'image/png': (b) => startsWith(b, PNG),
  'image/apng': (b) => startsWith(b, PNG),
  'image/jpeg': (b) => startsWith(b, JPEG),
  'image/jpg': (b) => startsWith(b, JPEG),
  'image/gif': (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')),
  'image/webp': (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8),
  'video/mp4': (b) => startsWith(b, ascii('ftyp'), 4),
  'video/quicktime': (b) => QUICKTIME_ATOMS.some((atom) => startsWith(b, atom, 4)),
  'video/webm': (b) => startsWith(b, EBML),
}

/**
 * The blob's MIME type from the request's Content-Type: parameters dropped,
 * lower-cased; missing or unparseable means `application/octet-stream`.
 */
export function declaredMimeType(contentType: string | null): string {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence) ? essence : 'application/octet-stream'
}

/**
 * Checks the first bytes of a blob against its declared type. Types without a
 * signature here pass as given; a known type whose signature does not match
 * returns the problem.
 */
export function mimeMismatch(mimeType: string, head: Uint8Array): string | null {
  const matches = SIGNATURES[mimeType]
  if (!matches || matches(head)) return null
  return `Blob content does not match its declared type ${mimeType}`
}
