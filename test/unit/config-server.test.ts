import { describe, expect, it } from 'vitest'
import { parseConfig, type RawSettings } from '../../src/shared/config'
import { TEST_BINDINGS } from '../helpers/test-identity'

const parse = (settings: RawSettings) => parseConfig({ ...TEST_BINDINGS, ...settings })

describe('server information settings', () => {
  it('are all optional', () => {
    const result = parse({ PRIVACY_POLICY_URL: undefined, TERMS_OF_SERVICE_URL: '', CONTACT_EMAIL: ' ' })
    expect(result.ok && result.value.server).toEqual({
      privacyPolicyUrl: null,
      termsOfServiceUrl: null,
      contactEmail: null,
    })
  })

  it('are read into config.server', () => {
    const result = parse({
      PRIVACY_POLICY_URL: 'https://example.com/privacy',
      TERMS_OF_SERVICE_URL: 'https://example.com/tos',
      CONTACT_EMAIL: ' admin@example.com ',
    })
    expect(result.ok && result.value.server).toEqual({
      privacyPolicyUrl: 'https://example.com/privacy',
      termsOfServiceUrl: 'https://example.com/tos',
      contactEmail: 'admin@example.com',
    })
  })

  it.each([
    ['PRIVACY_POLICY_URL', 'not a url'],
    ['TERMS_OF_SERVICE_URL', 'javascript:alert(1)'],
    ['CONTACT_EMAIL', 'nobody'],
  ])('refuse a malformed %s, naming it', (name, value) => {
    const result = parse({ [name]: value })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toContain(name)
  })
})
