import { describe, expect, it } from 'vitest'
import { clientKey } from '../src/actors/subscribers/client-address'
import { parseConfig } from '../src/shared/config'
import { DEFAULT_FIREHOSE_LIMITS } from '../src/shared/config/firehose'
import { TEST_BINDINGS } from './helpers/test-identity'

describe('parseFirehoseLimits', () => {
  it('defaults when unset, generous for relays', () => {
    const config = parseConfig(TEST_BINDINGS)
    expect(config.ok && config.value.firehose).toEqual(DEFAULT_FIREHOSE_LIMITS)
    expect(DEFAULT_FIREHOSE_LIMITS).toEqual({
      maxSocketsPerClient: 100,
      maxSocketsPerShard: 1_000,
      clientBytesPerSec: 2 * 1024 * 1024,
      clientBurstBytes: 4 * 1024 * 1024,
      slowGraceMs: 10_000,
      shardFill: 900,
    })
  })

  it('takes valid values', () => {
    const config = parseConfig({
      ...TEST_BINDINGS,
      FIREHOSE_MAX_SOCKETS_PER_IP: '5',
      FIREHOSE_MAX_SOCKETS_PER_SHARD: '50',
      FIREHOSE_SOCKET_BYTES_PER_SEC: '65536',
      FIREHOSE_SOCKET_BURST_BYTES: '131072',
      FIREHOSE_SLOW_GRACE_SECONDS: '2.5',
    })
    expect(config.ok && config.value.firehose).toEqual({
      maxSocketsPerClient: 5,
      maxSocketsPerShard: 50,
      clientBytesPerSec: 65_536,
      clientBurstBytes: 131_072,
      slowGraceMs: 2_500,
      shardFill: 45, // derived: room for one more client's worth of sockets
    })
    const fill = parseConfig({ ...TEST_BINDINGS, FIREHOSE_SHARD_FILL: '1' })
    expect(fill.ok && fill.value.firehose.shardFill).toBe(1)
    const over = parseConfig({ ...TEST_BINDINGS, FIREHOSE_SHARD_FILL: '5000' })
    expect(over.ok && over.value.firehose.shardFill).toBe(1_000) // no more than a shard holds
  })

  it.each([
    ['FIREHOSE_MAX_SOCKETS_PER_IP', '0'],
    ['FIREHOSE_MAX_SOCKETS_PER_SHARD', '1.5'],
    ['FIREHOSE_SOCKET_BYTES_PER_SEC', 'fast'],
    ['FIREHOSE_SOCKET_BURST_BYTES', '-1'],
    ['FIREHOSE_SLOW_GRACE_SECONDS', '0'],
    ['FIREHOSE_SHARD_FILL', '0'],
  ])('refuses %s=%s, naming it', (name, raw) => {
    const config = parseConfig({ ...TEST_BINDINGS, [name]: raw })
    expect(config.ok).toBe(false)
    expect(config.ok ? '' : config.message).toContain(name)
  })
})

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['', 'unknown'],
    [null, 'unknown'],
  ])('counts %s as %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key)
  })
})
