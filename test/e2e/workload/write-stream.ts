import { NOTES, note } from './records'
import type { RepoWriter } from './repo-writer'

/** Paths whose create was sent but never acknowledged (the server went away mid-request). */
export type StreamOutcome = { unacked: string[] }

/**
 * `writers` concurrent loops of createRecord, each up to `perWriter` records, each loop
 * stopping at its first failure. Acknowledged writes land in the writer's log; the
 * outcome lists the one unacknowledged attempt of each loop that failed.
 */
export async function streamCreates(
  w: RepoWriter,
  opts: { label: string; writers: number; perWriter: number },
): Promise<StreamOutcome> {
  const unacked: string[] = []
  const loop = async (k: number) => {
    for (let i = 0; i < opts.perWriter; i++) {
      const rkey = `${opts.label}-${k}-${String(i).padStart(3, '0')}`
      try {
        await w.create(NOTES, rkey, note(`${opts.label} ${k}/${i}`))
      } catch {
        unacked.push(`${NOTES}/${rkey}`)
        return
      }
    }
  }
  await Promise.all(Array.from({ length: opts.writers }, (_, k) => loop(k)))
  return { unacked }
}
