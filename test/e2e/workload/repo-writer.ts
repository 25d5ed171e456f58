import type { AtpAgent } from '@atproto/api'
import type { WriteLog } from './write-log'

/** One write of an `applyWrites` batch. */
export type BatchWrite =
  | { action: 'create' | 'update'; collection: string; rkey: string; value: Record<string, unknown> }
  | { action: 'delete'; collection: string; rkey: string }

/** The lexicon form of a batch write. */
export function toLexWrite(w: BatchWrite) {
  const { collection, rkey } = w
  if (w.action === 'delete')
    return { $type: 'com.atproto.repo.applyWrites#delete' as const, collection, rkey }
  const $type = `com.atproto.repo.applyWrites#${w.action}` as const
  return { $type, collection, rkey, value: w.value }
}

/** The record path (`collection/rkey`) of an at:// URI. */
const pathOf = (uri: string): string => uri.split('/').slice(3).join('/')

/**
 * The repo write methods through `@atproto/api`, each acknowledged write recorded in
 * the log with the CID and commit the PDS returned.
 */
export class RepoWriter {
  constructor(
    private readonly agent: AtpAgent,
    private readonly did: string,
    readonly log: WriteLog,
  ) {}

  async create(collection: string, rkey: string, record: Record<string, unknown>): Promise<void> {
    const { data } = await this.agent.com.atproto.repo.createRecord({
      repo: this.did,
      collection,
      rkey,
      record,
    })
    if (!data.commit) throw new Error('createRecord returned no commit')
    this.log.add(data.commit, [{ path: pathOf(data.uri), cid: data.cid }])
  }

  /** putRecord: a create when the record is new, an update otherwise. */
  async put(collection: string, rkey: string, record: Record<string, unknown>): Promise<void> {
    const { data } = await this.agent.com.atproto.repo.putRecord({ repo: this.did, collection, rkey, record })
    if (!data.commit) throw new Error('putRecord returned no commit')
    this.log.add(data.commit, [{ path: pathOf(data.uri), cid: data.cid }])
  }

  async delete(collection: string, rkey: string): Promise<void> {
    const { data } = await this.agent.com.atproto.repo.deleteRecord({ repo: this.did, collection, rkey })
    if (!data.commit) throw new Error('deleteRecord returned no commit')
    this.log.add(data.commit, [{ path: `${collection}/${rkey}`, cid: null }])
  }

  async batch(writes: BatchWrite[]): Promise<void> {
    const { data } = await this.agent.com.atproto.repo.applyWrites({
      repo: this.did,
      writes: writes.map(toLexWrite),
    })
    if (!data.commit || data.results?.length !== writes.length)
      throw new Error('applyWrites: no commit/results')
    const results = data.results
    this.log.add(
      data.commit,
      writes.map((w, i) => {
        const r = results[i]
        const cid = r && 'cid' in r && typeof r.cid === 'string' ? r.cid : null
        if ((w.action === 'delete') !== (cid === null))
          throw new Error(`applyWrites result ${i} does not fit`)
        return { path: `${w.collection}/${w.rkey}`, cid }
      }),
    )
  }
}
