import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

/** The `raw` codec: a blob's CID is the sha-256 of its bytes under it (CIDv1). */
const RAW = 0x55

/** The CID a blob with these bytes has, as a string. */
export async function blobCid(bytes: Uint8Array): Promise<string> {
  return CID.createV1(RAW, await sha256.digest(bytes)).toString()
}
