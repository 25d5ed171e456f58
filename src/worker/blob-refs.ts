import { getBlobCidString, isBlobRef, isCid } from '@atproto/lex-data'

/**
 * The CIDs of every blob a record references, at any depth, each once: typed blob
 * refs (`{$type: 'blob', ref, mimeType, size}`) and legacy `{cid, mimeType}` ones.
 * `value` is the record as `jsonToLex` parsed it (links are CID objects, bytes are
 * Uint8Arrays), which has already refused malformed `$type: 'blob'` objects.
 */
export function collectBlobRefs(value: unknown): string[] {
  const found = new Set<string>()
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || v instanceof Uint8Array || isCid(v)) return
    if (Array.isArray(v)) {
      for (const item of v) visit(item)
      return
    }
    if (isBlobRef(v, { strict: false })) {
      found.add(getBlobCidString(v))
      return
    }
    for (const item of Object.values(v)) visit(item)
  }
  visit(value)
  return [...found]
}
