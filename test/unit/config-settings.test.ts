import { describe, expect, it } from 'vitest'
import { type Config, DEFAULT_RETENTION, parseConfig, type RawSettings } from '../../src/shared/config'
import { TEST_BINDINGS } from '../helpers/test-identity'

const parse = (settings: RawSettings) => parseConfig({ ...TEST_BINDINGS, ...settings })

function value(settings: RawSettings): Config {
  const result = parse(settings)
  if (!result.ok) throw new Error(result.message)
  return result.value
}

function refusal(settings: RawSettings): string {
  const result = parse(settings)
  if (result.ok) throw new Error(`expected ${JSON.stringify(settings)} to be refused`)
  expect(result.error).toBe('InvalidConfig')
  return result.message
}

describe('optional settings', () => {
  it('default when unset or blank', () => {
    for (const blank of [undefined, '', ' ']) {
      const config = value({
        FIREHOSE_RETENTION_HOURS: blank,
        FIREHOSE_RETENTION_MIN_EVENTS: blank,
        SUBSCRIBER_SHARDS: blank,
        BLOB_UPLOAD_LIMIT: blank,
        BLOB_GRACE_HOURS: blank,
        PROXY_TIMEOUT_MS: blank,
        PLC_URL: blank,
      })
      expect(config.retention).toEqual(DEFAULT_RETENTION)
      expect(DEFAULT_RETENTION).toEqual({ maxAgeMs: 72 * 3_600_000, minEvents: 10_000 })
      expect(config.subscriberShards).toBe(8)
      expect(config.blobUploadLimit).toBe(104_857_600)
      expect(config.blobGraceMs).toBe(6 * 3_600_000)
      expect(config.proxy.timeoutMs).toBe(30_000)
      expect(config.proxy.plcUrl).toBe('https://plc.directory')
    }
  })

  it('take valid values', () => {
    const config = value({
      FIREHOSE_RETENTION_HOURS: '24',
      FIREHOSE_RETENTION_MIN_EVENTS: '500',
      SUBSCRIBER_SHARDS: '3',
      BLOB_UPLOAD_LIMIT: '5000',
      BLOB_GRACE_HOURS: '0.5',
      PROXY_TIMEOUT_MS: '1000',
      PLC_URL: 'http://127.0.0.1:2582/',
    })
    expect(config.retention).toEqual({ maxAgeMs: 24 * 3_600_000, minEvents: 500 })
    expect(config.subscriberShards).toBe(3)
    expect(config.blobUploadLimit).toBe(5000)
    expect(config.blobGraceMs).toBe(1_800_000)
    expect(config.proxy.timeoutMs).toBe(1000)
    expect(config.proxy.plcUrl).toBe('http://127.0.0.1:2582')
  })

  it.each([
    ['FIREHOSE_RETENTION_HOURS', '-1'],
    ['FIREHOSE_RETENTION_HOURS', 'long'],
    ['FIREHOSE_RETENTION_MIN_EVENTS', '1.5'],
    ['SUBSCRIBER_SHARDS', '0'],
    ['BLOB_UPLOAD_LIMIT', 'lots'],
    ['BLOB_UPLOAD_LIMIT', '-1'],
    ['BLOB_GRACE_HOURS', '0'],
    ['BLOB_GRACE_HOURS', 'soon'],
    ['PROXY_TIMEOUT_MS', '2.5'],
    ['PLC_URL', 'not a url'],
    ['APPVIEW_DID', 'not-a-did'],
    ['APPVIEW_DID', 'did:web:a.example#x#y'],
  ] as const)('refuse %s=%j with an InvalidConfig naming it', (name, raw) => {
    expect(refusal({ [name]: raw })).toContain(name)
  })

  it('names the service whose URL is broken', () => {
    expect(refusal({ CHAT_URL: 'nope' })).toContain("CHAT_DID's URL")
  })

  it('allow PROXY_ALLOW_INSECURE only on a loopback host', () => {
    expect(refusal({ PROXY_ALLOW_INSECURE: 'true' })).toContain('PROXY_ALLOW_INSECURE')
    expect(value({ PROXY_ALLOW_INSECURE: 'true', PDS_HOSTNAME: 'localhost:8787' }).proxy.allowInsecure).toBe(
      true,
    )
    expect(value({ PROXY_ALLOW_INSECURE: 'false' }).proxy.allowInsecure).toBe(false)
  })

  it('take EMAIL as the owner address, refusing what is not one', () => {
    expect(value({ EMAIL: ' alice@example.com ' }).email).toBe('alice@example.com')
    expect(value({ EMAIL: undefined }).email).toBeNull()
    expect(refusal({ EMAIL: 'not-an-address' })).toContain('EMAIL')
  })

  it('choose relays: the list when set (even empty), else bsky.network except on loopback', () => {
    expect(value({ RELAYS: undefined }).relays).toEqual(['https://bsky.network'])
    expect(value({ RELAYS: undefined, PDS_HOSTNAME: 'localhost:8787' }).relays).toEqual([])
    expect(value({ RELAYS: ' https://a.example , https://b.example,' }).relays).toEqual([
      'https://a.example',
      'https://b.example',
    ])
    expect(value({ RELAYS: '' }).relays).toEqual([])
  })
})
