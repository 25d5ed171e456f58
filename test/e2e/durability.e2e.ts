import { describe, expect, it } from 'vitest'
import { loggedInAgent } from './clients/pds-agent'
import { VerifiedFirehose } from './clients/verified-firehose'
import { reportCheck } from './harness/check-log'
import { pds } from './harness/pds-context'
import { startPds } from './harness/pds-process'
import { signalGroup, waitGroupGone } from './harness/process-group'
import { expectFirehoseMatches, expectRelaysHold, recordLines, seenLines } from './harness/relay-assertions'
import { currentServer } from './harness/server-registry'
import { waitFor } from './harness/wait-for'
import { resolveAtprotoIdentity } from './relay/atproto-key'
import { TEST_RELAY_DEFAULTS } from './relay/relay-options'
import { fetchRepoSnapshot } from './relay/repo-snapshot'
import { StrictRelay } from './relay/strict-relay'
import { NOTES, note } from './workload/records'
import { RepoWriter } from './workload/repo-writer'
import { WriteLog } from './workload/write-log'
import { streamCreates } from './workload/write-stream'

const id = pds()
/** Acknowledged commits before the kill; the writers keep going, so more are in flight. */
const KILL_AFTER = 20
const WRITES_AFTER_RESTART = 10

describe('durability', () => {
  it('keeps every acknowledged write across a SIGKILL and resumes the stream without a gap', async () => {
    const agent = await loggedInAgent(id)
    const { didKey } = await resolveAtprotoIdentity(id.did)
    const base = { ...TEST_RELAY_DEFAULTS, baseUrl: id.baseUrl, did: id.did }
    const relays = [1, 2].map((n) => new StrictRelay({ ...base, name: `durable-relay-${n}`, cursor: 0 }))
    const replay = new StrictRelay({ ...base, name: 'replay-after-restart', cursor: 0 })
    const firehose = new VerifiedFirehose(id.baseUrl, 0)
    try {
      for (const r of relays) await r.start()
      firehose.start()
      const start = await fetchRepoSnapshot(id.baseUrl, id.did, didKey)
      await expectRelaysHold(relays, start)

      // Two writers create records back to back; the server's whole process group gets
      // SIGKILL once KILL_AFTER commits were acknowledged, with requests still in flight.
      const w = new RepoWriter(agent, id.did, new WriteLog())
      const stream = streamCreates(w, { label: 'durable', writers: 2, perWriter: 150 })
      await waitFor(() => w.log.commits >= KILL_AFTER, `${KILL_AFTER} acknowledged writes`)
      const killed = currentServer(id.dir)
      signalGroup(killed.pgid, 'SIGKILL')
      expect(await waitGroupGone(killed.pgid, 15_000)).toBe(true)
      const { unacked } = await stream
      const ackedBeforeKill = w.log.acked.length
      const maxSeqBeforeKill = Math.max(...relays.map((r) => r.lastSeq ?? 0))

      await startPds(id, 'restarted')
      const restarted = await fetchRepoSnapshot(id.baseUrl, id.did, didKey)
      for (const a of w.log.acked) expect(restarted.records.get(a.path), a.path).toBe(a.cid)

      for (let i = 0; i < WRITES_AFTER_RESTART; i++)
        await w.create(NOTES, `after-restart-${i}`, note(`after ${i}`))
      const final = await fetchRepoSnapshot(id.baseUrl, id.did, didKey)
      const landed = unacked.filter((p) => final.records.has(p))
      const expected = w.log.expectedRecords(start.records)
      for (const p of landed) expected.set(p, final.records.get(p) as string)
      expect(recordLines(final.records)).toEqual(recordLines(expected))

      await expectRelaysHold(relays, final)
      await replay.start()
      await expectRelaysHold([replay], final)
      // No gap and no repeat: what the relays saw across the restart is exactly the log replayed from 0.
      for (const r of relays) expect(seenLines(r), r.opts.name).toEqual(seenLines(replay))
      for (const r of relays) expect([r.resyncs.length, r.counters.stale], r.opts.name).toEqual([0, 0])
      for (const r of relays) expect(r.getRepoFailures, r.opts.name).toEqual([])
      for (const r of relays)
        expect(r.cursorsUsed.length, `${r.opts.name} reconnects`).toBeGreaterThanOrEqual(2)
      const streamed = new Set(replay.seen.flatMap((e) => (e.commit ? [e.commit] : [])))
      for (const a of w.log.acked) expect(streamed.has(a.commit), `event for ${a.path}`).toBe(true)
      const newCommits = new Set(w.log.acked.slice(ackedBeforeKill).map((a) => a.commit))
      const newSeqs = replay.seen.filter((e) => e.commit && newCommits.has(e.commit)).map((e) => e.seq)
      expect(newSeqs).toHaveLength(WRITES_AFTER_RESTART)
      expect(Math.min(...newSeqs)).toBeGreaterThan(maxSeqBeforeKill)
      const ops = await expectFirehoseMatches(firehose, replay)

      reportCheck(
        'durability',
        `SIGKILL after ${ackedBeforeKill} acked writes (${unacked.length} in flight, ${landed.length} of them landed); all acked present after restart, getRepo verifies`,
      )
      for (const r of relays) {
        reportCheck(
          r.opts.name,
          `cursors ${r.cursorsUsed.join(' → ')}, stream equals a replay from 0 (${r.seen.length} events)`,
        )
      }
      reportCheck(
        'seq',
        `new events from seq ${Math.min(...newSeqs)} > ${maxSeqBeforeKill}, the highest any relay saw before the kill`,
      )
      reportCheck('@atproto/sync', `reconnected by itself; ${ops} ops verified across the restart`)
    } finally {
      await Promise.all([...relays, replay].map((r) => r.stop()).concat(firehose.stop()))
    }
    for (const r of [...relays, replay]) expect(r.problems, r.opts.name).toEqual([])
  })
})
