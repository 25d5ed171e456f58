import { encode } from '@atcute/cbor'

/**
 * DAG-CBOR bytes of a value in `@atcute/cbor`'s form (CIDs as `CidLinkWrapper` or `{$link}`,
 * bytes as `BytesWrapper` or `{$bytes}`), in a buffer of exactly their size: the encoder
 * returns small values as a view on a 1 KiB buffer, which an RPC would copy whole and a
 * cache would keep alive.
 */
export function encodeDagCbor(value: unknown): Uint8Array {
  const bytes = encode(value)
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}
