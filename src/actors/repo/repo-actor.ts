import { DurableObject } from 'cloudflare:workers'
import { Secp256k1Keypair } from '@atproto/crypto'
import { MemoryBlockstore, Repo } from '@atproto/repo'
export class RepoActor extends DurableObject {
  async smoke(): Promise<string> {
    const kp = await Secp256k1Keypair.create()
    const storage = new MemoryBlockstore()
    const repo = await Repo.create(storage, 'did:web:pds.test', kp)
    return repo.cid.toString()
  }
}
