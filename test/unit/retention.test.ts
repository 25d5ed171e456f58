import { describe, expect, it } from 'vitest'
import { DEFAULT_RETENTION, retentionFromEnv } from '../../src/actors/sequencer/retention'

describe('retentionFromEnv', () => {
  it('defaults to 72 hours and 10,000 events', () => {
    expect(DEFAULT_RETENTION).toEqual({ maxAgeMs: 72 * 3_600_000, minEvents: 10_000 })
    expect(retentionFromEnv({})).toEqual(DEFAULT_RETENTION)
    expect(retentionFromEnv({ FIREHOSE_RETENTION_HOURS: '', FIREHOSE_RETENTION_MIN_EVENTS: ' ' })).toEqual(
      DEFAULT_RETENTION,
    )
  })

  it('takes valid settings and ignores malformed ones', () => {
    expect(
      retentionFromEnv({ FIREHOSE_RETENTION_HOURS: '24', FIREHOSE_RETENTION_MIN_EVENTS: '500' }),
    ).toEqual({
      maxAgeMs: 24 * 3_600_000,
      minEvents: 500,
    })
    expect(
      retentionFromEnv({ FIREHOSE_RETENTION_HOURS: '-1', FIREHOSE_RETENTION_MIN_EVENTS: '1.5' }),
    ).toEqual(DEFAULT_RETENTION)
  })
})
