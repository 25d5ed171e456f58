import { describe, expect, it } from 'vitest'
import type { AlarmDeadlines } from '../../src/actors/repo/schedule/alarm-deadlines'
import { AlarmSchedule } from '../../src/actors/repo/schedule/alarm-schedule'
import { ManualClock } from '../../src/shared/clock'
import { createLogger } from '../../src/shared/logger'

/** Runs `fn` against fresh, empty alarm deadlines. */
export type WithDeadlines = (fn: (deadlines: AlarmDeadlines) => Promise<void>) => Promise<void>

type Fixture = {
  schedule: AlarmSchedule
  deadlines: AlarmDeadlines
  clock: ManualClock
  alarm: () => number | null
}

/**
 * The alarm schedule over each `AlarmDeadlines` implementation, with a manual clock and
 * the Durable Object alarm as a plain variable: time moves only when a test moves it.
 */
export function describeAlarmScheduleContract(name: string, withDeadlines: WithDeadlines): void {
  const run = (fn: (f: Fixture) => Promise<void>) =>
    withDeadlines(async (deadlines) => {
      let alarm: number | null = null
      const storage = {
        setAlarm: async (t: number) => {
          alarm = t
        },
        deleteAlarm: async () => {
          alarm = null
        },
      }
      const clock = new ManualClock(1_000_000)
      const schedule = new AlarmSchedule(deadlines, storage, createLogger('repo'), clock)
      await fn({ schedule, deadlines, clock, alarm: () => alarm })
    })

  describe(`AlarmSchedule contract: ${name}`, () => {
    it('keeps the earliest deadline per purpose and sets the alarm to the earliest of all', () =>
      run(async ({ schedule, alarm }) => {
        await schedule.atMost('blob-gc', 5000)
        expect(alarm()).toBe(5000)
        await schedule.atMost('blob-gc', 9000) // later: the earlier one stays
        expect(schedule.deadline('blob-gc')).toBe(5000)
        await schedule.atMost('delivery', 2000)
        expect(alarm()).toBe(2000)
        await schedule.set('delivery', null)
        expect(alarm()).toBe(5000)
        await schedule.set('blob-gc', 7000) // set replaces, even with a later time
        expect(alarm()).toBe(7000)
        await schedule.set('blob-gc', null)
        expect(alarm()).toBeNull()
        expect(schedule.deadline('blob-gc')).toBeNull()
      }))

    it('stores whole milliseconds', () =>
      run(async ({ schedule, alarm }) => {
        await schedule.atMost('delivery', 1234.9)
        expect([schedule.deadline('delivery'), alarm()]).toEqual([1234, 1234])
      }))

    it('runs only the purposes that are due, each once', () =>
      run(async ({ schedule, alarm }) => {
        const ran: string[] = []
        await schedule.atMost('delivery', 1000)
        await schedule.atMost('blob-gc', 3000)
        const jobs = {
          delivery: async () => void ran.push('delivery'),
          'blob-gc': async () => void ran.push('blob-gc'),
          snapshot: async () => void ran.push('snapshot'),
        }
        await schedule.runDue(jobs, 2000)
        expect(ran).toEqual(['delivery'])
        expect(schedule.deadline('delivery')).toBeNull()
        expect(alarm()).toBe(3000)
        await schedule.runDue(jobs, 3000)
        expect(ran).toEqual(['delivery', 'blob-gc'])
        expect(alarm()).toBeNull()
      }))

    it('runs what is due by its clock when given no time, and reschedules as the clock moves', () =>
      run(async ({ schedule, clock, alarm }) => {
        const ran: number[] = []
        const every = 5_000
        const jobs = {
          delivery: async () => {},
          'blob-gc': async () => {
            ran.push(clock.now())
            await schedule.set('blob-gc', clock.now() + every)
          },
          snapshot: async () => {},
        }
        await schedule.atMost('blob-gc', clock.now() + every)
        await schedule.runDue(jobs) // not yet due
        expect(ran).toEqual([])
        clock.advance(every)
        await schedule.runDue(jobs)
        clock.advance(every - 1)
        await schedule.runDue(jobs) // a millisecond early
        clock.advance(1)
        await schedule.runDue(jobs)
        const t0 = 1_000_000
        expect(ran).toEqual([t0 + every, t0 + 2 * every])
        expect(alarm()).toBe(t0 + 3 * every)
      }))

    it('keeps a deadline a job sets for itself while it runs', () =>
      run(async ({ schedule, alarm }) => {
        await schedule.atMost('blob-gc', 1000)
        await schedule.runDue(
          {
            delivery: async () => {},
            'blob-gc': () => schedule.set('blob-gc', 50_000),
            snapshot: async () => {},
          },
          1000,
        )
        expect(schedule.deadline('blob-gc')).toBe(50_000)
        expect(alarm()).toBe(50_000)
      }))

    it('retries a failing job a minute later by its clock, without skipping the others', () =>
      run(async ({ schedule, clock, alarm }) => {
        const ran: string[] = []
        await schedule.atMost('blob-gc', 1000)
        await schedule.atMost('delivery', 1000)
        await schedule.runDue(
          {
            'blob-gc': async () => {
              clock.advance(250) // the job takes a while before it fails
              throw new Error('R2 unavailable')
            },
            delivery: async () => void ran.push('delivery'),
            snapshot: async () => {},
          },
          1000,
        )
        expect(ran).toEqual(['delivery'])
        expect(schedule.deadline('blob-gc')).toBe(1_000_000 + 250 + 60_000)
        expect(alarm()).toBe(schedule.deadline('blob-gc'))
      }))

    it('drops a deadline of a purpose this version no longer has', () =>
      run(async ({ schedule, deadlines, alarm }) => {
        deadlines.keepEarliest('retired-purpose', 500)
        await schedule.atMost('delivery', 9000)
        await schedule.runDue(
          { delivery: async () => {}, 'blob-gc': async () => {}, snapshot: async () => {} },
          1000,
        )
        expect(deadlines.get('retired-purpose')).toBeNull()
        expect(alarm()).toBe(9000)
      }))
  })

  describe(`AlarmDeadlines contract: ${name}`, () => {
    it('keeps the earliest, replaces, lists what is due and knows the earliest of all', () =>
      withDeadlines(async (d) => {
        expect([d.get('a'), d.earliest(), d.due(1e15)]).toEqual([null, null, []])
        d.keepEarliest('a', 300)
        d.keepEarliest('a', 400)
        d.keepEarliest('b', 200)
        expect([d.get('a'), d.get('b'), d.earliest()]).toEqual([300, 200, 200])
        d.replace('b', 500)
        expect([d.get('b'), d.earliest()]).toEqual([500, 300])
        expect(d.due(299)).toEqual([])
        expect(d.due(300)).toEqual(['a'])
        expect(d.due(500).sort()).toEqual(['a', 'b'])
        d.remove('a')
        d.remove('never-set')
        expect([d.get('a'), d.earliest(), d.due(1e15)]).toEqual([null, 500, ['b']])
      }))
  })
}
