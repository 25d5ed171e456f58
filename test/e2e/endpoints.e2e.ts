import type { AtpAgent } from '@atproto/api'
import { parseCid } from '@atproto/lex-data'
import { readCar, verifyProofs, verifyRecords } from '@atproto/repo'
import { beforeAll, describe, expect, it } from 'vitest'
import { rehashMatches } from '../helpers/commit-signature'
import { localIdResolver } from './clients/id-resolver'
import { loggedInAgent, publicAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { pds } from './harness/pds-context'
import { resolveAtprotoIdentity } from './relay/atproto-key'
import { fetchRepoSnapshot } from './relay/repo-snapshot'
import { NOTES, note } from './workload/records'
import { RepoWriter } from './workload/repo-writer'
import { WriteLog } from './workload/write-log'

const id = pds()

describe('PDS endpoints through @atproto/api', () => {
  let agent: AtpAgent
  let didKey: string
  beforeAll(async () => {
    agent = await loggedInAgent(id)
    didKey = (await resolveAtprotoIdentity(id.did)).didKey
  })

  it('logs in with the password and follows the didDoc to this PDS', async () => {
    expect(agent.session?.did).toBe(id.did)
    expect(agent.session?.handle).toBe(id.handle)
    expect(agent.pdsUrl?.origin).toBe(new URL(id.baseUrl).origin)
    const { data: session } = await agent.com.atproto.server.getSession()
    expect(session).toMatchObject({ did: id.did, handle: id.handle, active: true })
    const before = agent.session?.refreshJwt
    await agent.sessionManager.refreshSession()
    expect(agent.session?.refreshJwt).not.toBe(before)
    expect((await agent.com.atproto.server.getSession()).data.did).toBe(id.did)
    reportCheck('session', 'createSession, didDoc → #atproto_pds, getSession, refreshSession')
  })

  it('describes the server and resolves the identity both ways', async () => {
    const pub = publicAgent(id)
    const { data: server } = await pub.com.atproto.server.describeServer()
    // The service DID is the did:web of PDS_HOSTNAME, which for a local did:web owner is the same DID.
    expect(server.did).toBe(`did:web:localhost%3A${id.port}`)
    expect(Array.isArray(server.availableUserDomains)).toBe(true)
    const { data: resolved } = await pub.com.atproto.identity.resolveHandle({ handle: id.handle })
    expect(resolved.did).toBe(id.did)
    const data = await localIdResolver().did.resolveAtprotoData(id.did)
    expect(data).toEqual({ did: id.did, handle: id.handle, pds: id.baseUrl, signingKey: didKey })
    reportCheck('identity', `describeServer, resolveHandle, did:web over http → key ${didKey.slice(0, 20)}…`)
  })

  it('creates, reads, lists, updates and deletes a record', async () => {
    const w = new RepoWriter(agent, id.did, new WriteLog())
    const repo = agent.com.atproto.repo
    await w.create(NOTES, 'crud-1', note('crud 1'))
    await w.create(NOTES, 'crud-2', note('crud 2'))
    const got = await repo.getRecord({ repo: id.did, collection: NOTES, rkey: 'crud-1' })
    expect(got.data.value).toMatchObject({ label: 'crud 1' })
    await w.put(NOTES, 'crud-1', note('crud 1 edited'))
    const listed = await repo.listRecords({ repo: id.did, collection: NOTES })
    expect(listed.data.records.map((r) => r.uri)).toEqual(
      expect.arrayContaining([`at://${id.did}/${NOTES}/crud-1`, `at://${id.did}/${NOTES}/crud-2`]),
    )
    await w.delete(NOTES, 'crud-2')
    await expect(repo.getRecord({ repo: id.did, collection: NOTES, rkey: 'crud-2' })).rejects.toMatchObject({
      error: 'RecordNotFound',
    })
    const { data: described } = await repo.describeRepo({ repo: id.did })
    expect(described).toMatchObject({ did: id.did, handle: id.handle, handleIsCorrect: true })
    expect(described.collections).toContain(NOTES)
    reportCheck('repo', `${w.log.commits} writes (create, put, delete), getRecord, listRecords, describeRepo`)
  })

  it('serves sync reads that verify against the DID document key', async () => {
    const sync = publicAgent(id).com.atproto.sync
    const snapshot = await fetchRepoSnapshot(id.baseUrl, id.did, didKey)
    const { data: latest } = await sync.getLatestCommit({ did: id.did })
    expect(latest).toEqual({ cid: snapshot.commit.toString(), rev: snapshot.rev })
    const { data: status } = await sync.getRepoStatus({ did: id.did })
    expect(status).toMatchObject({ did: id.did, active: true, rev: snapshot.rev })
    const { data: repos } = await sync.listRepos({})
    expect(repos.repos).toContainEqual(
      expect.objectContaining({ did: id.did, head: latest.cid, rev: latest.rev }),
    )

    // A record that exists: the proof verifies and names its CID.
    const present = await sync.getRecord({ did: id.did, collection: NOTES, rkey: 'crud-1' })
    const [claim] = await verifyRecords(present.data, id.did, didKey)
    expect(claim).toMatchObject({ collection: NOTES, rkey: 'crud-1', record: { label: 'crud 1 edited' } })
    const cid = snapshot.records.get(`${NOTES}/crud-1`)
    if (!cid) throw new Error('crud-1 missing from getRepo')
    const proved = await verifyProofs(
      present.data,
      [{ collection: NOTES, rkey: 'crud-1', cid: parseCid(cid) }],
      id.did,
      didKey,
    )
    expect(proved.unverified).toEqual([])
    // A deleted record: the proof shows its absence.
    const absent = await sync.getRecord({ did: id.did, collection: NOTES, rkey: 'crud-2' })
    const gone = await verifyProofs(
      absent.data,
      [{ collection: NOTES, rkey: 'crud-2', cid: null }],
      id.did,
      didKey,
    )
    expect(gone.verified).toHaveLength(1)

    const { data: car } = await sync.getBlocks({ did: id.did, cids: [cid] })
    const block = (await readCar(car)).blocks.get(parseCid(cid))
    expect(block && (await rehashMatches(parseCid(cid), block))).toBe(true)
    reportCheck(
      'sync',
      `getRepo (${snapshot.records.size} records, verified), getLatestCommit, getRepoStatus, listRepos, getRecord proofs (present + absent), getBlocks`,
    )
  })
})
