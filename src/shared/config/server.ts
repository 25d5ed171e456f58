import { ok } from '../result'
import type { RawSettings } from './index'
import { badSetting, type ConfigResult, isUnset } from './values'

/** What `describeServer` tells clients about this server's operator. */
export type ServerInfoConfig = {
  /** `PRIVACY_POLICY_URL`. */
  privacyPolicyUrl: string | null
  /** `TERMS_OF_SERVICE_URL`. */
  termsOfServiceUrl: string | null
  /** `CONTACT_EMAIL`. */
  contactEmail: string | null
}

/** The settings this file reads. */
type ServerInfoSettings = Pick<RawSettings, 'PRIVACY_POLICY_URL' | 'TERMS_OF_SERVICE_URL' | 'CONTACT_EMAIL'>

function httpUrlSetting(name: string, raw: string | undefined): ConfigResult<string | null> {
  if (isUnset(raw)) return ok(null)
  const value = raw.trim()
  try {
    const url = new URL(value)
    if (url.protocol === 'https:' || url.protocol === 'http:') return ok(value)
  } catch {
    // falls through to the refusal
  }
  return badSetting(name, `not an http(s) URL: ${value}`)
}

/** Parses the optional operator links and contact; all unset is fine. */
export function parseServerInfo(env: ServerInfoSettings): ConfigResult<ServerInfoConfig> {
  const privacyPolicyUrl = httpUrlSetting('PRIVACY_POLICY_URL', env.PRIVACY_POLICY_URL)
  if (!privacyPolicyUrl.ok) return privacyPolicyUrl
  const termsOfServiceUrl = httpUrlSetting('TERMS_OF_SERVICE_URL', env.TERMS_OF_SERVICE_URL)
  if (!termsOfServiceUrl.ok) return termsOfServiceUrl
  let contactEmail: string | null = null
  if (!isUnset(env.CONTACT_EMAIL)) {
    contactEmail = env.CONTACT_EMAIL.trim()
    if (!/^[^\s@]+@[^\s@]+$/.test(contactEmail)) {
      return badSetting('CONTACT_EMAIL', `not an email address: ${contactEmail}`)
    }
  }
  return ok({
    privacyPolicyUrl: privacyPolicyUrl.value,
    termsOfServiceUrl: termsOfServiceUrl.value,
    contactEmail,
  })
}
