import { describe, expect, it } from 'vitest'
import { parseSetupArgs } from '../../tools/setup/cli-args'

describe('parseSetupArgs', () => {
  it('takes every answer as a flag, so setup runs unattended', () => {
    const args = parseSetupArgs(
      ['--hostname', 'PDS.Example.com', '--handle', 'alice.example.com', '--identity', 'existing-plc'].concat(
        ['--did', 'did:plc:abc', '--password', 'long enough password', '--yes', '--dry-run'],
      ),
      {},
    )
    expect(args).toEqual({
      hostname: 'pds.example.com',
      handle: 'alice.example.com',
      identity: 'existing-plc',
      did: 'did:plc:abc',
      password: 'long enough password',
      plcUrl: 'https://plc.directory',
      yes: true,
      dryRun: true,
      force: false,
    })
  })

  it('leaves unset answers null for the prompts and takes PLC_URL from the environment', () => {
    expect(parseSetupArgs([], { PLC_URL: 'http://localhost:2582' })).toMatchObject({
      hostname: null,
      handle: null,
      identity: null,
      plcUrl: 'http://localhost:2582',
    })
  })

  it('refuses an unknown identity kind and unknown flags', () => {
    expect(() => parseSetupArgs(['--identity', 'key'], {})).toThrow(/web, plc, existing-plc/)
    expect(() => parseSetupArgs(['--hostnme', 'x'], {})).toThrow()
  })
})
