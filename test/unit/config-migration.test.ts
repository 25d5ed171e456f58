import { describe, expect, it } from 'vitest'
import { parseConfig, type RawSettings } from '../../src/shared/config'
import { DEFAULT_REPO_IMPORT_LIMIT } from '../../src/shared/config/migration'
import { TEST_BINDINGS } from '../helpers/test-identity'

const parse = (settings: RawSettings) => parseConfig({ ...TEST_BINDINGS, ...settings })

describe('REPO_IMPORT_LIMIT', () => {
  it('defaults to 512 MiB when unset or blank', () => {
    for (const blank of [undefined, '', ' ']) {
      const parsed = parse({ REPO_IMPORT_LIMIT: blank })
      expect(parsed.ok && parsed.value.migration.importLimit).toBe(DEFAULT_REPO_IMPORT_LIMIT)
    }
    expect(DEFAULT_REPO_IMPORT_LIMIT).toBe(536_870_912)
  })

  it('takes a positive number of bytes', () => {
    const parsed = parse({ REPO_IMPORT_LIMIT: '4096' })
    expect(parsed.ok && parsed.value.migration.importLimit).toBe(4096)
  })

  it.each(['lots', '-1', '0', '1.5'])('refuses %s, naming the setting', (raw) => {
    const parsed = parse({ REPO_IMPORT_LIMIT: raw })
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toContain('REPO_IMPORT_LIMIT')
  })
})
