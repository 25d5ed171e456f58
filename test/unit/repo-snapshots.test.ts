import { parseCid } from '@atproto/lex-data'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RepoHead } from '../../src/actors/repo/commit/commit-builder'
import { AlarmSchedule } from '../../src/actors/repo/schedule/alarm-schedule'
import { MemoryAlarmDeadlines } from '../../src/actors/repo/schedule/memory-alarm-deadlines'
import { RepoSnapshots } from '../../src/actors/repo/snapshots/repo-snapshots'
import type {
  SnapshotBody,
  SnapshotInfo,
  SnapshotStore,
} from '../../src/actors/repo/snapshots/snapshot-bucket'
import { ManualClock } from '../../src/shared/clock'
import type { Logger } from '../../src/shared/logger'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000
const CID = parseCid('bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm')

/** Snapshots in a map, in write order; `failWrites` makes the next writes throw. */
class MemorySnapshotStore implements SnapshotStore {
  readonly objects = new Map<string, { info: SnapshotInfo; bytes: Uint8Array; commit: string }>()
  failWrites = 0
  keyFor(rev: string): string {
    return `snapshots/did:web:x/${rev}.car`
  }
  async list(): Promise<SnapshotInfo[]> {
    return [...this.objects.values()].map((o) => o.info)
  }
  async write(body: SnapshotBody): Promise<string> {
    if (this.failWrites > 0) {
      this.failWrites--
      throw new Error('R2 unavailable')
    }
    const bytes = new Uint8Array(await new Response(body.car).arrayBuffer())
    if (bytes.length !== body.size) throw new Error('length mismatch')
    const key = this.keyFor(body.rev)
    this.objects.delete(key)
    const info = { key, rev: body.rev, time: body.time.toISOString(), size: body.size }
    this.objects.set(key, { info, bytes, commit: body.commit })
    return key
  }
  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.objects.delete(k)
  }
}

type Line = { level: string; msg: string; fields?: Record<string, unknown> }

describe('RepoSnapshots', () => {
  let store: MemorySnapshotStore
  let deadlines: MemoryAlarmDeadlines
  let schedule: AlarmSchedule
  let lines: Line[]
  let rev: string
  let exports: number

  const make = (everyHours: number | null, keep = 3) =>
    new RepoSnapshots({
      bucket: store,
      // Only `rev` and `cid` are read here; the rest of a head is the reader's business.
      head: () => ({ rev, cid: CID }) as unknown as RepoHead,
      exportCar: (head) => {
        exports++
        return new Response(`car of ${head.rev}`).body as ReadableStream<Uint8Array>
      },
      schedule,
      everyHours,
      keep,
      log,
    })

  const log: Logger = {
    info: (msg, fields) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void lines.push({ level: 'error', msg, fields }),
  }

  beforeEach(() => {
    store = new MemorySnapshotStore()
    deadlines = new MemoryAlarmDeadlines()
    const storage = { setAlarm: async () => {}, deleteAlarm: async () => {} }
    schedule = new AlarmSchedule(deadlines, storage, log, new ManualClock(T0))
    lines = []
    rev = '3kaaaaaaaaa22'
    exports = 0
  })

  it('when switched on with nothing pending, makes the first snapshot due at once', async () => {
    await make(6).start(T0)
    expect(schedule.deadline('snapshot')).toBe(T0)
  })

  it('brings a pending slot forward when the interval shrinks, never back', async () => {
    await schedule.set('snapshot', T0 + 24 * HOUR)
    await make(6).start(T0)
    expect(schedule.deadline('snapshot')).toBe(T0 + 6 * HOUR)
    await make(48).start(T0)
    expect(schedule.deadline('snapshot')).toBe(T0 + 6 * HOUR)
  })

  it('when off, clears a pending slot, writes nothing and lists nothing', async () => {
    await schedule.set('snapshot', T0)
    const off = make(null)
    await off.start(T0)
    expect(schedule.deadline('snapshot')).toBeNull()
    expect(await off.run(T0)).toEqual({ written: null, pruned: [] })
    expect(store.objects.size).toBe(0)
    expect(await off.status()).toEqual({ everyHours: null, keep: 3, next: null, snapshots: [] })
  })

  it('writes the CAR of the head with its size, commit and time, then sets the next slot', async () => {
    const run = await make(6).run(T0)
    expect(run.written).toEqual({
      key: store.keyFor(rev),
      rev,
      time: new Date(T0).toISOString(),
      size: `car of ${rev}`.length,
    })
    const stored = store.objects.get(store.keyFor(rev))
    expect(new TextDecoder().decode(stored?.bytes)).toBe(`car of ${rev}`)
    expect(stored?.commit).toBe(CID.toString())
    expect(schedule.deadline('snapshot')).toBe(T0 + 6 * HOUR)
  })

  it('skips an unchanged head without exporting anything', async () => {
    const snapshots = make(6)
    await snapshots.run(T0)
    const exported = exports
    expect((await snapshots.run(T0 + 6 * HOUR)).written).toBeNull()
    expect(exports).toBe(exported)
    expect(store.objects.size).toBe(1)
    expect(schedule.deadline('snapshot')).toBe(T0 + 12 * HOUR)
  })

  it('keeps the newest `keep` and deletes the rest, also after `keep` is lowered', async () => {
    const revs = ['3kaaaaaaaab22', '3kaaaaaaaac22', '3kaaaaaaaad22', '3kaaaaaaaae22']
    for (const [i, r] of revs.entries()) {
      rev = r
      await make(1, 3).run(T0 + i * HOUR)
    }
    expect([...store.objects.keys()]).toEqual(revs.slice(1).map((r) => store.keyFor(r)))
    const lowered = await make(1, 1).run(T0 + 9 * HOUR) // head unchanged: nothing written
    expect(lowered.pruned).toEqual(revs.slice(1, 3).map((r) => store.keyFor(r)))
    const status = await make(1, 1).status()
    expect(status.snapshots.map((s) => s.rev)).toEqual([revs[3]])
  })

  it('logs a failure and tries again at the next slot, not sooner', async () => {
    store.failWrites = 1
    const snapshots = make(2)
    expect(await snapshots.run(T0)).toEqual({ written: null, pruned: [] })
    expect(lines).toContainEqual({
      level: 'error',
      msg: 'repo snapshot failed; retrying at the next slot',
      fields: { error: 'Error: R2 unavailable' },
    })
    expect(schedule.deadline('snapshot')).toBe(T0 + 2 * HOUR)
    expect((await snapshots.run(T0 + 2 * HOUR)).written?.rev).toBe(rev)
  })

  it('never runs two snapshots at once', async () => {
    const snapshots = make(1)
    const [a, b] = await Promise.all([snapshots.run(T0), snapshots.run(T0)])
    expect([a.written?.rev, b.written]).toEqual([rev, null])
  })
})
