import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { repoAlreadyImported } from '../../tools/migrate/repo-copy'
import { plcData, startPlcDirectory } from '../helpers/plc-directory'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const old = { repoRev: '3n3m7xt5boc2l', indexedRecords: 71, expectedBlobs: 56 }

describe('repoAlreadyImported', () => {
  it('skips the import when the new host re-signed the same records after the old head', () => {
    expect(repoAlreadyImported(old, { ...old, repoRev: '3n3m7xt5boc3a' })).toBe(true)
  })
  it('imports when the old host wrote after the import, or the counts differ, or nothing is there', () => {
    expect(repoAlreadyImported(old, { ...old, repoRev: '3n3m7xt5boc2a' })).toBe(false)
    expect(repoAlreadyImported(old, { ...old, repoRev: '3n3m7xt5boc3a', indexedRecords: 70 })).toBe(false)
    expect(repoAlreadyImported(old, { ...old, repoRev: '3n3m7xt5boc3a', expectedBlobs: 55 })).toBe(false)
    // A fresh createAccount: an empty repo with a rev newer than the old head.
    expect(repoAlreadyImported(old, { repoRev: '3n3m7xt5boc3a', indexedRecords: 0, expectedBlobs: 0 })).toBe(
      false,
    )
    expect(repoAlreadyImported(old, { indexedRecords: 71, expectedBlobs: 56 })).toBe(false)
  })
})

describe('npm run create-did-plc', () => {
  it('registers a genesis operation with the recovery key first and prints the DID and keys once', async () => {
    const directory = await startPlcDirectory()
    try {
      const { stdout } = await run(
        process.execPath,
        [
          'node_modules/tsx/dist/cli.mjs',
          'tools/setup/create-did-plc.ts',
          '--hostname',
          'pds.example.com',
          '--handle',
          'Alice.Example.com',
          '--recovery-key',
          '--plc-url',
          directory.url,
        ],
        { cwd: ROOT, env: { ...process.env, SIGNING_KEY: '', PLC_ROTATION_KEY: '' } },
      )
      const did = /^DID=(did:plc:[a-z2-7]{24})$/m.exec(stdout)?.[1]
      expect(did).toBeDefined()
      expect(stdout).toMatch(/^SIGNING_KEY=[0-9a-f]{64} /m)
      expect(stdout).toMatch(/^PLC_ROTATION_KEY=[0-9a-f]{64} /m)
      const recovery = /^recovery key \((did:key:\w+)\): [0-9a-f]{64}$/m.exec(stdout)?.[1]
      const data = await plcData(directory, did as string)
      expect(data.rotationKeys).toHaveLength(2)
      expect(data.rotationKeys[0]).toBe(recovery)
      expect(data.alsoKnownAs).toEqual(['at://alice.example.com'])
      expect(data.services.atproto_pds?.endpoint).toBe('https://pds.example.com')
    } finally {
      await directory.close()
    }
  }, 60_000)
})
