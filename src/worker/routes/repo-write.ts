import { TID } from '@atproto/common-web'
import { parseCidSafe } from '@atproto/lex-data'
import type { ApplyWritesOutput, WriteInput } from '../../actors/repo'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import type { OwnerCredential } from '../auth/credential'
import { callerPermissions, type RepoAction } from '../auth/permissions/permissions'
import { readJsonBody } from '../body'
import { assertOwnerRepo } from '../owner-repo'
import {
  assertCollection,
  assertRecordKey,
  type PreparedRecord,
  prepareRecord,
  type ValidationStatus,
} from '../record-prep'
import type { Metered, PreparingContext, XrpcMethods } from '../xrpc-context'

/** Record writes carry up to 1 MB records; the body may be somewhat larger as JSON. */
const WRITE_BODY_LIMIT = 2_000_000
const MAX_BATCH = 200

type Body = Record<string, unknown>

async function writeBody(ctx: PreparingContext): Promise<Body> {
  const body = await readJsonBody(ctx.req, WRITE_BODY_LIMIT)
  if (typeof body.repo !== 'string') throw invalidRequest('Input must have the property "repo"')
  assertOwnerRepo(ctx.config, body.repo, 'InvalidRequest')
  return body
}

const optionalBoolean = (body: Body, name: string): boolean | undefined => {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') throw invalidRequest(`Input/${name} must be a boolean`)
  return v
}

/**
 * A swap CID: undefined when absent; null (meaning "must not exist") only where the
 * lexicon makes it nullable (putRecord's swapRecord), otherwise 400 as the reference does.
 */
function swapCid(body: Body, name: string, allowNull: boolean): string | null | undefined {
  const v = body[name]
  if (v === undefined) return undefined
  if (v === null) {
    if (allowNull) return null
    throw invalidRequest(`Input/${name} must be a cid string`)
  }
  if (typeof v !== 'string' || !parseCidSafe(v)) throw invalidRequest(`Input/${name} must be a cid string`)
  return v
}

const commitView = (commit: { cid: string; rev: string } | null) => (commit ? { commit } : {})

/** createRecord and putRecord: one record write as one commit, answered as the lexicons say. */
async function writeOneRecord(
  ctx: PreparingContext,
  body: Body,
  record: PreparedRecord,
  target: { action: 'create' | 'put'; collection: string; rkey: string; swapRecord?: string | null },
) {
  const fields = {
    collection: target.collection,
    rkey: target.rkey,
    cid: record.cid,
    bytes: record.bytes,
    blobs: record.blobs,
  }
  const write: WriteInput =
    target.action === 'create'
      ? { action: 'create', ...fields }
      : { action: 'put', ...fields, swapRecord: target.swapRecord }
  const out = unwrap(
    await ctx.repo.applyWrites({
      writes: [write],
      swapCommit: swapCid(body, 'swapCommit', false) ?? undefined,
    }),
  )
  const result = out.results[0]
  return { uri: result?.uri, cid: result?.cid, ...commitView(out.commit), ...status(record.validationStatus) }
}

export const repoWriteMethods: XrpcMethods = {
  'com.atproto.repo.createRecord': {
    type: 'procedure',
    auth: 'owner',
    metered: async (ctx) => {
      const body = await writeBody(ctx)
      const collection = assertCollection(body.collection)
      const rkey = body.rkey === undefined ? TID.nextStr() : assertRecordKey(body.rkey)
      const record = await prepareRecord(collection, body.record, optionalBoolean(body, 'validate'))
      return oneRecord([{ collection, action: 'create' }], () =>
        writeOneRecord(ctx, body, record, { action: 'create', collection, rkey }),
      )
    },
  },
  'com.atproto.repo.putRecord': {
    type: 'procedure',
    auth: 'owner',
    metered: async (ctx) => {
      const body = await writeBody(ctx)
      const collection = assertCollection(body.collection)
      const rkey = assertRecordKey(body.rkey)
      const record = await prepareRecord(collection, body.record, optionalBoolean(body, 'validate'))
      const swapRecord = swapCid(body, 'swapRecord', true)
      // Create or update, decided in the actor: the reference asks for both permissions.
      const checks: WriteCheck[] = [
        { collection, action: 'create' },
        { collection, action: 'update' },
      ]
      return oneRecord(checks, () =>
        writeOneRecord(ctx, body, record, { action: 'put', collection, rkey, swapRecord }),
      )
    },
  },
  'com.atproto.repo.deleteRecord': {
    type: 'procedure',
    auth: 'owner',
    metered: async (ctx) => {
      const body = await writeBody(ctx)
      const write: WriteInput = {
        action: 'delete',
        collection: assertCollection(body.collection),
        rkey: assertRecordKey(body.rkey),
        swapRecord: swapCid(body, 'swapRecord', false),
        ifExists: true,
      }
      const swapCommit = swapCid(body, 'swapCommit', false) ?? undefined
      return oneRecord([{ collection: write.collection, action: 'delete' }], async () =>
        commitView(unwrap(await ctx.repo.applyWrites({ writes: [write], swapCommit })).commit),
      )
    },
  },
  'com.atproto.repo.applyWrites': {
    type: 'procedure',
    auth: 'owner',
    metered: async (ctx) => {
      const body = await writeBody(ctx)
      const validate = optionalBoolean(body, 'validate')
      if (!Array.isArray(body.writes)) throw invalidRequest('Input must have the property "writes"')
      if (body.writes.length > MAX_BATCH) throw invalidRequest(`Too many writes. Max: ${MAX_BATCH}`)
      const statuses: (ValidationStatus | undefined)[] = []
      const writes: WriteInput[] = []
      const checks: WriteCheck[] = []
      for (const raw of body.writes as unknown[]) {
        const w = (typeof raw === 'object' && raw !== null ? raw : {}) as Body
        const collection = assertCollection(w.collection)
        const kind = w.$type
        if (kind === 'com.atproto.repo.applyWrites#delete') {
          writes.push({ action: 'delete', collection, rkey: assertRecordKey(w.rkey) })
          checks.push({ collection, action: 'delete' })
          statuses.push(undefined)
          continue
        }
        if (
          kind !== 'com.atproto.repo.applyWrites#create' &&
          kind !== 'com.atproto.repo.applyWrites#update'
        ) {
          throw invalidRequest(`Invalid write $type: ${String(kind)}`)
        }
        const isCreate = kind === 'com.atproto.repo.applyWrites#create'
        const rkey = isCreate && w.rkey === undefined ? TID.nextStr() : assertRecordKey(w.rkey)
        const record = await prepareRecord(collection, w.value, validate)
        statuses.push(record.validationStatus)
        checks.push({ collection, action: isCreate ? 'create' : 'update' })
        writes.push({
          action: isCreate ? 'create' : 'update',
          collection,
          rkey,
          cid: record.cid,
          bytes: record.bytes,
          blobs: record.blobs,
        })
      }
      const swapCommit = swapCid(body, 'swapCommit', false) ?? undefined
      return {
        usage: { records: writes.length },
        run: async ({ auth }) => {
          assertWrites(auth, checks)
          return batchView(unwrap(await ctx.repo.applyWrites({ writes, swapCommit })), statuses)
        },
      }
    },
  },
}

/** applyWrites' answer: the commit and one result per write. */
function batchView(out: ApplyWritesOutput, statuses: (ValidationStatus | undefined)[]) {
  const results = out.results.map((r, i) =>
    r.action === 'delete'
      ? { $type: 'com.atproto.repo.applyWrites#deleteResult' }
      : {
          $type: `com.atproto.repo.applyWrites#${r.action}Result`,
          uri: r.uri,
          cid: r.cid,
          ...status(statuses[i]),
        },
  )
  return { ...commitView(out.commit), results }
}

type WriteCheck = { collection: string; action: RepoAction }

/** The caller's repo: permission for every distinct collection and action of the writes. */
function assertWrites(auth: OwnerCredential | null, writes: readonly WriteCheck[]): void {
  const permissions = callerPermissions(auth)
  const seen = new Set<string>()
  for (const { collection, action } of writes) {
    const key = `${action} ${collection}`
    if (seen.has(key)) continue
    seen.add(key)
    permissions.assertRepo(collection, action)
  }
}

/** A metered write of one record, once the caller holds the `checks` permissions. */
const oneRecord = (checks: WriteCheck[], run: () => Promise<object>): Metered => ({
  usage: { records: 1 },
  run: async ({ auth }) => {
    assertWrites(auth, checks)
    return run()
  },
})

const status = (s: ValidationStatus | undefined) => (s ? { validationStatus: s } : {})
