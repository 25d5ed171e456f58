import { describe, expect, it } from 'vitest'
import { loggedInAgent, publicAgent } from './clients/pds-agent'
import { VerifiedFirehose } from './clients/verified-firehose'
import { reportCheck } from './harness/check-log'
import { pds } from './harness/pds-context'
import { expectFirehoseMatches, expectRelaysHold, recordLines, seenLines } from './harness/relay-assertions'
import { resolveAtprotoIdentity } from './relay/atproto-key'
import { TEST_RELAY_DEFAULTS } from './relay/relay-options'
import { fetchRepoSnapshot } from './relay/repo-snapshot'
import { StrictRelay } from './relay/strict-relay'
import { blobPost } from './workload/blob-post'
import { createPosts, editAndDelete, maxBatch, overLimitBatch } from './workload/federation-writes'
import { RepoWriter, toLexWrite } from './workload/repo-writer'
import { WriteLog } from './workload/write-log'

const id = pds()
const LOSE_NTH_COMMIT = 5

describe('federation', () => {
  it('strict relays and @atproto/sync end with exactly the repo getRepo returns', async () => {
    const agent = await loggedInAgent(id)
    const { didKey } = await resolveAtprotoIdentity(id.did)
    const before = await fetchRepoSnapshot(id.baseUrl, id.did, didKey)
    const base = { ...TEST_RELAY_DEFAULTS, baseUrl: id.baseUrl, did: id.did }
    const replaying = [1, 2, 3].map((n) => new StrictRelay({ ...base, name: `relay-${n}`, cursor: 0 }))
    let commitsSeen = 0
    const lossy = new StrictRelay({
      ...base,
      name: 'relay-lossy',
      cursor: 0,
      loseCommit: () => ++commitsSeen === LOSE_NTH_COMMIT,
    })
    const late = new StrictRelay({ ...base, name: 'relay-late' })
    const firehose = new VerifiedFirehose(id.baseUrl, 0)
    const relays = [...replaying, lossy, late]
    try {
      for (const r of [...replaying, lossy]) await r.start()
      firehose.start()

      const w = new RepoWriter(agent, id.did, new WriteLog())
      await createPosts(w)
      await late.start()
      await late.waitUntil(() => late.connected, 'connection')
      await editAndDelete(w)
      await maxBatch(w)
      const head = (await publicAgent(id).com.atproto.sync.getLatestCommit({ did: id.did })).data
      const over = overLimitBatch().map(toLexWrite)
      await expect(agent.com.atproto.repo.applyWrites({ repo: id.did, writes: over })).rejects.toMatchObject({
        status: 400,
      })
      const after = (await publicAgent(id).com.atproto.sync.getLatestCommit({ did: id.did })).data
      expect(after).toEqual(head)
      const blob = await blobPost(agent, w, id.did)

      const snapshot = await fetchRepoSnapshot(id.baseUrl, id.did, didKey)
      expect(recordLines(snapshot.records)).toEqual(recordLines(w.log.expectedRecords(before.records)))
      await expectRelaysHold(relays, snapshot)
      for (const r of relays) await r.waitUntil(() => r.pongs >= 3, '3 pongs')
      const ops = await expectFirehoseMatches(firehose, replaying[0] as StrictRelay)

      const reference = seenLines(replaying[0] as StrictRelay)
      for (const r of [...replaying.slice(1), lossy]) expect(seenLines(r), r.opts.name).toEqual(reference)
      for (const r of replaying) expect([r.resyncs.length, r.counters.stale], r.opts.name).toEqual([0, 0])
      expect(lossy.counters.lost).toBe(1)
      expect(lossy.resyncs.map((x) => x.reason.split(':')[0])).toEqual(['chain'])
      expect(late.resyncs.map((x) => x.reason.split(':')[0])).toEqual(['bootstrap'])
      for (const r of relays) expect(r.counters.infos, r.opts.name).toEqual([])
      // Exports are snapshots: one taken while writes land must still verify.
      for (const r of relays) expect(r.getRepoFailures, r.opts.name).toEqual([])
      expect(Math.max(...relays.map((r) => r.counters.maxOps))).toBe(200)

      reportCheck('workload', `${w.log.commits} acknowledged commits; 201-write batch refused with no commit`)
      reportCheck(
        'blobs',
        blob.skipped ? `skipped (${blob.reason})` : `uploadBlob + post embed + getBlob ${blob.cid}`,
      )
      reportCheck(
        'getRepo',
        `${snapshot.records.size} records at rev ${snapshot.rev}, verified against ${didKey}`,
      )
      for (const r of relays)
        reportCheck(r.opts.name, `${r.counters.summary(r.pongs)}, Server header ${r.serverHeader}`)
      reportCheck('relay-lossy', `lost 1 commit on purpose, saw the broken chain, resynced by getRepo`)
      reportCheck(
        'relay-late',
        `joined live, bootstrapped by getRepo, then followed ${late.counters.verifiedCommits} commits`,
      )
      reportCheck(
        '@atproto/sync',
        `Firehose (authenticated) verified ${ops} ops, same ops per seq as relay-1`,
      )
    } finally {
      await Promise.all([...relays.map((r) => r.stop()), firehose.stop()])
    }
    for (const r of relays) expect(r.problems, r.opts.name).toEqual([])
  })
})
