import { DurableObject } from 'cloudflare:workers'
import { TID } from '@atproto/common-web'
import { Secp256k1Keypair } from '@atproto/crypto'
import { Repo, WriteOpAction } from '@atproto/repo'
import type { EventSink } from './probe-worker'
import { SqlRepoStorage } from './sql-repo-storage'

type PlainRepoEnv = { LOG: DurableObjectNamespace<EventSink> }

const DID = 'did:web:probe.localhost'

/**
 * The plain-repo shape: `@atproto/repo`'s own create path (formatCommit, applyCommit,
 * reload) on SQLite, then one call to a second DO with the commit, as a PDS hands each
 * commit to its sequencer. No validation, no outbox, no firehose framing.
 */
export class PlainRepo extends DurableObject<PlainRepoEnv> {
  private readonly storage: SqlRepoStorage
  private readonly key = Secp256k1Keypair.create()
  private repo: Promise<Repo> | null = null

  constructor(ctx: DurableObjectState, env: PlainRepoEnv) {
    super(ctx, env)
    this.storage = new SqlRepoStorage(ctx.storage.sql)
  }

  async create(): Promise<string> {
    const key = await this.key
    this.repo ??= this.open(key)
    const repo = await this.repo
    const next = await repo.applyWrites(
      [
        {
          action: WriteOpAction.Create,
          collection: 'app.bsky.feed.post',
          rkey: TID.nextStr(),
          record: { $type: 'app.bsky.feed.post', text: 'probe', createdAt: new Date().toISOString() },
        },
      ],
      key,
    )
    this.repo = Promise.resolve(next)
    const commit = await this.storage.getBytes(next.cid)
    if (commit) await this.env.LOG.getByName('probe').append(commit)
    return next.commit.rev
  }

  private async open(key: Secp256k1Keypair): Promise<Repo> {
    const root = await this.storage.getRoot()
    return root ? Repo.load(this.storage, root) : Repo.create(this.storage, DID, key)
  }
}
