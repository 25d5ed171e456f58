import { Secp256k1Keypair } from '@atproto/crypto'
import { decode } from '@atproto/lex-cbor'
import { readCarWithRoot } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { AccountLifecycle, type Identity } from '../src/actors/repo/account-status/account-lifecycle'
import { AccountState } from '../src/actors/repo/account-status/account-state'
import { RepoWriter } from '../src/actors/repo/commit/repo-writer'
import { SqlOutbox } from '../src/actors/repo/outbox/sql-outbox'
import { SqlRecordIndex } from '../src/actors/repo/storage/sql-record-index'
import { SqlRepoStorage } from '../src/actors/repo/storage/sql-repo-storage'
import { OWNER } from './helpers/client'
import { inScratchRepo } from './helpers/scratch-repo'
import { readSignedCommit } from './helpers/signed-commit'

/** Restarts the scratch repo's writer with `keyHex` and announces `identity` as a start would. */
async function restartWith(
  sql: SqlStorage,
  transaction: <R>(f: () => R) => R,
  keyHex: string,
  identity: Partial<Identity>,
) {
  const keypair = await Secp256k1Keypair.import(keyHex)
  const outbox = new SqlOutbox(sql)
  const writer = await RepoWriter.open({
    transaction,
    blocks: new SqlRepoStorage(sql),
    index: new SqlRecordIndex(sql),
    outbox,
    keypair,
    did: OWNER.did,
    handle: OWNER.handle,
  })
  const full = {
    did: OWNER.did,
    handle: OWNER.handle,
    hostname: OWNER.hostname,
    signingDidKey: keypair.did(),
    ...identity,
  }
  const before = outbox.read(0, 1000).length
  await new AccountLifecycle(new AccountState(sql), writer, full).announceIdentityChange()
  return { writer, keypair, events: outbox.read(0, 1000).slice(before) }
}

describe('identity changes between starts', () => {
  it('announces nothing when nothing changed', async () => {
    await inScratchRepo('identity-same', async (sql, tx) => {
      const { events } = await restartWith(sql, tx, OWNER.signingKeyHex, {})
      expect(events).toEqual([])
    })
  })

  it('announces a new handle with #identity', async () => {
    await inScratchRepo('identity-handle', async (sql, tx) => {
      const { events } = await restartWith(sql, tx, OWNER.signingKeyHex, { handle: 'new-handle.pds.test' })
      expect(events.map((e) => e.type)).toEqual(['#identity'])
      expect(decode(events[0]?.body ?? new Uint8Array())).toMatchObject({
        did: OWNER.did,
        handle: 'new-handle.pds.test',
      })
    })
  })

  it('re-signs the head with a new signing key and announces it with #identity and #sync', async () => {
    await inScratchRepo('identity-key', async (sql, tx) => {
      const newKey = '0f'.repeat(32)
      const { writer, keypair, events } = await restartWith(sql, tx, newKey, {})
      expect(events.map((e) => e.type)).toEqual(['#identity', '#sync'])
      const sync = decode(events[1]?.body ?? new Uint8Array()) as { blocks: Uint8Array; rev: string }
      const { root, blocks } = await readCarWithRoot(sync.blocks)
      const commit = await readSignedCommit(blocks, root, keypair.did())
      expect(root.toString()).toBe(writer.head.cid.toString())
      expect(commit.rev).toBe(writer.head.rev)
      expect(commit.data.toString()).toBe(writer.head.dataCid.toString())
    })
  })
})
