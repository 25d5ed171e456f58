/** A write the PDS acknowledged: the record path, its CID after the write (null once deleted), the commit. */
export type AckedWrite = { path: string; cid: string | null; rev: string; commit: string }

/** Every acknowledged write, in order; the records they should leave behind. */
export class WriteLog {
  readonly acked: AckedWrite[] = []
  commits = 0

  /** Records the writes of one acknowledged commit. */
  add(commit: { rev: string; cid: string }, writes: { path: string; cid: string | null }[]): void {
    this.commits += 1
    for (const w of writes) this.acked.push({ ...w, rev: commit.rev, commit: commit.cid })
  }

  /** Record path → CID that the acknowledged writes leave on top of `before`, in acknowledgement order. */
  expectedRecords(before: ReadonlyMap<string, string> = new Map()): Map<string, string> {
    const out = new Map(before)
    for (const w of this.acked) {
      if (w.cid === null) out.delete(w.path)
      else out.set(w.path, w.cid)
    }
    return out
  }
}
