import { env } from 'cloudflare:test'
import { encode } from '@atproto/lex-cbor'
import { BlockMap } from '@atproto/repo'
import { beforeAll, describe, expect, it } from 'vitest'
import { XRPCError } from '../src/shared/xrpc-error'
import { configFor } from '../src/worker/config-cache'
import { Params } from '../src/worker/params'
import { importRepoMethods } from '../src/worker/routes/import-repo'
import { accountStub, repoStub } from './helpers/actors'
import { chunkedBody } from './helpers/blobs'
import { agent, BASE_URL, OWNER, workerFetch, xrpc } from './helpers/client'
import { buildSourceRepo, carOf, dagCborCid, posts, type SourceRepo } from './helpers/import-car'
import { expectXrpcError, rawPost } from './helpers/xrpc-expect'

const CAR_TYPE = 'application/vnd.ipld.car'

const accountStatus = async () => (await agent().com.atproto.server.checkAccountStatus()).data
const importCar = (car: Uint8Array | ReadableStream<Uint8Array>, type = CAR_TYPE) =>
  rawPost('com.atproto.repo.importRepo', car, type)

/** `repo`'s blocks without, or with replaced, some of them. */
function edited(repo: SourceRepo, edit: (blocks: BlockMap) => void): BlockMap {
  const blocks = new BlockMap()
  blocks.addMap(repo.blocks)
  edit(blocks)
  return blocks
}

const recordCid = async (repo: SourceRepo, path: string) => {
  const bytes = encode({ $type: 'com.example.post', text: `post ${Number(path.split('/')[1])}` })
  const cid = await dagCborCid(bytes)
  expect(repo.blocks.has(cid)).toBe(true)
  return cid
}

/** importRepo's handler run with a config whose REPO_IMPORT_LIMIT is `limit`. */
function importWithLimit(limit: number, body: BodyInit, headers: Record<string, string> = {}) {
  const base = configFor(env)
  const init: RequestInit & { duplex?: string } = {
    method: 'POST',
    headers: { 'content-type': CAR_TYPE, ...headers },
    body,
  }
  if (body instanceof ReadableStream) init.duplex = 'half'
  const req = new Request(`${BASE_URL}/xrpc/com.atproto.repo.importRepo`, init)
  const method = importRepoMethods['com.atproto.repo.importRepo']
  if (!method || !('handler' in method)) throw new Error('importRepo has a plain handler')
  return method.handler({
    req,
    env,
    config: { ...base, migration: { importLimit: limit } },
    params: new Params(new URLSearchParams()),
    nsid: 'com.atproto.repo.importRepo',
    repo: repoStub(),
    account: accountStub(),
    auth: { type: 'static', did: OWNER.did },
  })
}

describe('importRepo refusals', () => {
  let source: SourceRepo

  beforeAll(async () => {
    source = await buildSourceRepo(posts(50))
    await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.mine',
      record: { text: 'before any import' },
    })
  })

  it('refuses an import while the account is active, leaving the repo as it was', async () => {
    const before = await accountStatus()
    const body = await expectXrpcError(await importCar(await carOf(source)), 400, 'InvalidRequest')
    expect(body.message).toMatch(/deactivate/)
    expect(await accountStatus()).toEqual(before)
  })

  it('refuses a body that is not a CAR, by type or by content', async () => {
    expect((await xrpc('com.atproto.server.deactivateAccount', { body: {} })).status).toBe(200)
    const before = await accountStatus()
    await expectXrpcError(await importCar(await carOf(source), 'application/json'), 400, 'InvalidRequest')
    await expectXrpcError(await importCar(new Uint8Array([1, 2, 3, 4])), 400, 'InvalidRequest')
    expect(await accountStatus()).toEqual(before)
  })

  const badCars: [string, (repo: SourceRepo) => Promise<Uint8Array>, RegExp][] = [
    [
      'a block whose bytes do not match its CID',
      async (repo) => {
        const cid = await recordCid(repo, 'com.example.post/000007')
        return carOf(
          repo,
          repo.root,
          edited(repo, (b) => b.set(cid, encode({ text: 'forged' }))),
        )
      },
      /CID/,
    ],
    [
      'a missing record block',
      async (repo) => {
        const cid = await recordCid(repo, 'com.example.post/000007')
        return carOf(
          repo,
          repo.root,
          edited(repo, (b) => b.delete(cid)),
        )
      },
      /lacks the record com\.example\.post\/000007/,
    ],
    [
      'a missing MST node',
      async (repo) =>
        carOf(
          repo,
          repo.root,
          edited(repo, (b) => b.delete(repo.data)),
        ),
      /lacks the MST node/,
    ],
    [
      'a root that is not a commit',
      async (repo) => carOf(repo, await recordCid(repo, 'com.example.post/000007')),
      /not a v3 commit/,
    ],
    [
      'a record that is not DAG-CBOR',
      async () =>
        carOf(await buildSourceRepo([['com.example.post/bad', new Uint8Array([0xa1, 0x61, 0x78, 0xff])]])),
      /Could not parse record/,
    ],
    [
      "another DID's repo",
      async () => carOf(await buildSourceRepo(posts(3), { did: 'did:web:elsewhere.test' })),
      /belongs to did:web:elsewhere\.test/,
    ],
  ]

  it.each(badCars)('refuses %s with 400 and leaves the repo unchanged', async (_, build, message) => {
    const before = await accountStatus()
    const body = await expectXrpcError(await importCar(await build(source)), 400, 'InvalidRequest')
    expect(body.message).toMatch(message)
    expect(await accountStatus()).toEqual(before)
  })

  it('refuses a body past REPO_IMPORT_LIMIT with 413, declared or streamed', async () => {
    const before = await accountStatus()
    const car = await carOf(source)
    const limit = Math.floor(car.byteLength / 2)
    const declared = importWithLimit(limit, car, { 'content-length': String(car.byteLength) })
    await expect(declared).rejects.toMatchObject({ status: 413, error: 'PayloadTooLarge' })
    const streamed = importWithLimit(limit, chunkedBody(car, 1024))
    await expect(streamed).rejects.toBeInstanceOf(XRPCError)
    await expect(streamed).rejects.toMatchObject({ status: 413, error: 'PayloadTooLarge' })
    expect(await accountStatus()).toEqual(before)
    // Under the limit, the same handler imports it.
    expect(await importWithLimit(car.byteLength, chunkedBody(car, 1024))).toBeUndefined()
    expect((await accountStatus()).indexedRecords).toBe(50)
  })

  it('refuses anonymous callers, for both methods', async () => {
    const anonymous = await workerFetch(`${BASE_URL}/xrpc/com.atproto.repo.importRepo`, {
      method: 'POST',
      headers: { 'content-type': CAR_TYPE },
      body: await carOf(source),
    })
    await expectXrpcError(anonymous, 401, 'AuthenticationRequired')
    await expectXrpcError(
      await xrpc('com.atproto.server.checkAccountStatus', { auth: false }),
      401,
      'AuthenticationRequired',
    )
  })
})
