import type { Cid } from '@atproto/lex-data'
import type { WireOp } from '../../helpers/op-inversion'
import { emptyTreeRoot, type RepoSnapshot } from './repo-snapshot'

/**
 * What a relay (or a downstream mirror) keeps of one repo between events: the last
 * commit, its rev and MST root, and every record path with its CID.
 */
export class RepoMirror {
  private constructor(
    public rev: string | null,
    public data: Cid,
    public commit: Cid | null,
    readonly records: Map<string, string>,
  ) {}

  /** Before the genesis commit: no rev, the empty tree. */
  static async empty(): Promise<RepoMirror> {
    return new RepoMirror(null, await emptyTreeRoot(), null, new Map())
  }

  /** After a resync: exactly what `getRepo` returned. */
  static fromSnapshot(s: RepoSnapshot): RepoMirror {
    return new RepoMirror(s.rev, s.data, s.commit, new Map(s.records))
  }

  /**
   * Whether `ops` fit the records held: a create finds no record, an update or delete
   * finds the record its `prev` names. Null when they do.
   */
  opsProblem(ops: readonly WireOp[]): string | null {
    const records = new Map(this.records)
    for (const op of ops) {
      const held = records.get(op.path)
      if (op.action === 'create' && held !== undefined) return `create ${op.path}: already held as ${held}`
      if (op.action !== 'create' && held !== op.prev?.toString()) {
        return `${op.action} ${op.path}: prev ${String(op.prev)}, held ${held}`
      }
      if (op.action === 'delete') records.delete(op.path)
      else records.set(op.path, String(op.cid))
    }
    return null
  }

  /** Moves to a verified commit: applies its ops and takes its rev, root and CID. */
  advance(commit: { rev: string; data: Cid; cid: Cid }, ops: readonly WireOp[]): void {
    for (const op of ops) {
      if (op.action === 'delete') this.records.delete(op.path)
      else this.records.set(op.path, String(op.cid))
    }
    this.rev = commit.rev
    this.data = commit.data
    this.commit = commit.cid
  }
}
