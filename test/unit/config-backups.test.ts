import { describe, expect, it } from 'vitest'
import { parseConfig, type RawSettings } from '../../src/shared/config'
import { TEST_BINDINGS } from '../helpers/test-identity'

const parse = (settings: RawSettings) => parseConfig({ ...TEST_BINDINGS, ...settings })

describe('backup settings', () => {
  it('are off with 7 kept when unset, blank or 0 hours', () => {
    for (const hours of [undefined, '', ' ', '0']) {
      const result = parse({ BACKUP_EVERY_HOURS: hours })
      expect(result.ok && result.value.backups).toEqual({ everyHours: null, keep: 7 })
    }
  })

  it('are read into config.backups', () => {
    const result = parse({ BACKUP_EVERY_HOURS: '24', BACKUP_KEEP: ' 30 ' })
    expect(result.ok && result.value.backups).toEqual({ everyHours: 24, keep: 30 })
  })

  it.each([
    ['BACKUP_EVERY_HOURS', '-1'],
    ['BACKUP_EVERY_HOURS', '1.5'],
    ['BACKUP_EVERY_HOURS', 'daily'],
    ['BACKUP_KEEP', '0'],
    ['BACKUP_KEEP', '2.5'],
    ['BACKUP_KEEP', 'all'],
  ])('refuse %s=%j with InvalidConfig naming it', (name, value) => {
    const result = parse({ [name]: value })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error).toBe('InvalidConfig')
    expect(!result.ok && result.message).toContain(name)
  })
})
