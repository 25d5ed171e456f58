import { describe, expect, it } from 'vitest'
import { AlarmSchedule } from '../src/actors/repo/schedule/alarm-schedule'
import { createLogger } from '../src/shared/logger'
import { inScratchRepo } from './helpers/scratch-repo'

/** A schedule on a scratch actor's SQLite whose DO alarm is a plain variable. */
function withSchedule(fn: (schedule: AlarmSchedule, alarm: () => number | null) => Promise<void>) {
  return inScratchRepo('alarm-schedule', async (sql) => {
    sql.exec('DELETE FROM alarm_schedule')
    let alarm: number | null = null
    const storage = {
      setAlarm: async (t: number) => {
        alarm = t
      },
      deleteAlarm: async () => {
        alarm = null
      },
    }
    await fn(new AlarmSchedule(sql, storage, createLogger('repo')), () => alarm)
  })
}

describe('AlarmSchedule', () => {
  it('keeps the earliest deadline per purpose and sets the alarm to the earliest of all', () =>
    withSchedule(async (schedule, alarm) => {
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
    }))

  it('runs only the purposes that are due, each once', () =>
    withSchedule(async (schedule, alarm) => {
      const ran: string[] = []
      await schedule.atMost('delivery', 1000)
      await schedule.atMost('blob-gc', 3000)
      const jobs = {
        delivery: async () => void ran.push('delivery'),
        'blob-gc': async () => void ran.push('blob-gc'),
      }
      await schedule.runDue(jobs, 2000)
      expect(ran).toEqual(['delivery'])
      expect(schedule.deadline('delivery')).toBeNull()
      expect(alarm()).toBe(3000)
      await schedule.runDue(jobs, 3000)
      expect(ran).toEqual(['delivery', 'blob-gc'])
      expect(alarm()).toBeNull()
    }))

  it('keeps a deadline a job sets for itself while it runs', () =>
    withSchedule(async (schedule, alarm) => {
      await schedule.atMost('blob-gc', 1000)
      await schedule.runDue(
        { delivery: async () => {}, 'blob-gc': () => schedule.set('blob-gc', 50_000) },
        1000,
      )
      expect(schedule.deadline('blob-gc')).toBe(50_000)
      expect(alarm()).toBe(50_000)
    }))

  it('retries a failing job a minute later without skipping the others', () =>
    withSchedule(async (schedule, alarm) => {
      const ran: string[] = []
      await schedule.atMost('blob-gc', 1000)
      await schedule.atMost('delivery', 1000)
      const before = Date.now()
      await schedule.runDue(
        {
          'blob-gc': async () => {
            throw new Error('R2 unavailable')
          },
          delivery: async () => void ran.push('delivery'),
        },
        1000,
      )
      expect(ran).toEqual(['delivery'])
      expect(schedule.deadline('blob-gc')).toBeGreaterThanOrEqual(before + 60_000)
      expect(alarm()).toBe(schedule.deadline('blob-gc'))
    }))
})
