import { TID } from '@atproto/common-web'
import { encode } from '@atproto/lex-cbor'
import type { LexMap } from '@atproto/lex-data'
import { beforeAll, describe, expect, it } from 'vitest'
import type { WireOp } from '../helpers/op-inversion'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { reforgeCommit, signWith, withHighS, withoutBlock } from './harness/commit-forgery'
import { pds } from './harness/pds-context'
import { resolveAtprotoIdentity } from './relay/atproto-key'
import { CommitRejectedError, verifyCommitEvent } from './relay/commit-event'
import { FrameRejectedError, parseFrame } from './relay/frame'
import { TEST_RELAY_DEFAULTS } from './relay/relay-options'
import { openRelaySocket } from './relay/relay-socket'
import { NOTES, note } from './workload/records'
import { RepoWriter } from './workload/repo-writer'
import { WriteLog } from './workload/write-log'

const id = pds()

/** Replays the stream from 0 until a `#commit` that creates a record after an earlier commit. */
async function captureCreateCommit(): Promise<{ frame: Uint8Array; body: LexMap }> {
  let found: { frame: Uint8Array; body: LexMap } | null = null
  const url = `${id.baseUrl.replace(/^http/, 'ws')}/xrpc/com.atproto.sync.subscribeRepos?cursor=0`
  const socket = openRelaySocket(url, TEST_RELAY_DEFAULTS, (bytes) => {
    const f = parseFrame(bytes)
    const ops = f.kind === 'message' ? (f.body.ops as WireOp[] | undefined) : undefined
    if (found || f.kind !== 'message' || f.type !== '#commit' || !f.body.prevData) return
    if (ops?.length === 1 && ops[0]?.action === 'create') {
      found = { frame: bytes, body: f.body }
      socket.close()
    }
  })
  const end = await socket.ended
  if (!found) throw new Error(`no create commit in the stream (${end.kind})`)
  return found
}

const tid = (msFromNow: number) => TID.fromTime((Date.now() + msFromNow) * 1000, 0).toString()
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

describe('the relay simulation refuses what indigo refuses', () => {
  let body: LexMap
  let frame: Uint8Array
  let didKey: string
  const sign = () => signWith(id.signingKeyHex)

  beforeAll(async () => {
    await new RepoWriter(await loggedInAgent(id), id.did, new WriteLog()).create(
      NOTES,
      'relay-check',
      note('check'),
    )
    ;({ frame, body } = await captureCreateCommit())
    didKey = (await resolveAtprotoIdentity(id.did)).didKey
  })

  it('accepts the untouched frame and commit', async () => {
    expect(parseFrame(frame)).toMatchObject({ kind: 'message', type: '#commit' })
    await expect(verifyCommitEvent(body, id.did, didKey, Date.now())).resolves.toBeDefined()
    const resigned = await reforgeCommit(body, () => {}, sign())
    await expect(verifyCommitEvent(resigned, id.did, didKey, Date.now())).resolves.toBeDefined()
  })

  const frames: [string, () => Uint8Array, RegExp][] = [
    ['a third CBOR item', () => concat(frame, encode({ extra: true })), /3 items/],
    ['a frame over 5,000,000 bytes', () => concat(frame, new Uint8Array(5_000_000)), /> 5000000/],
    ['an unknown header op', () => concat(encode({ op: 2, t: '#commit' }), encode(body)), /bad header/],
    [
      'a body with $type',
      () => concat(encode({ op: 1, t: '#commit' }), encode({ ...body, $type: 'x' })),
      /\$type/,
    ],
  ]
  it.each(frames)('rejects a frame with %s', (_, make, why) => {
    expect(() => parseFrame(make())).toThrow(FrameRejectedError)
    expect(() => parseFrame(make())).toThrow(why)
  })

  const op = (): WireOp => {
    const first = (body.ops as WireOp[])[0]
    if (!first) throw new Error('captured commit has no op')
    return first
  }
  // Bodies are built loosely (a wrong body is the point) and handed over as the wire map they claim to be.
  const commits: [string, () => Promise<Record<string, unknown>>, RegExp][] = [
    [
      'blocks over 2,000,000 bytes',
      async () => ({ ...body, blocks: new Uint8Array(2_000_001) }),
      /blocks over/,
    ],
    [
      '201 ops',
      async () => ({ ...body, ops: Array.from({ length: 201 }, () => op()) }),
      /ops missing or over/,
    ],
    ['another repo', async () => ({ ...body, repo: 'did:web:example.com' }), /is not did:web:localhost/],
    [
      'an event rev that is not the commit rev',
      async () => ({ ...body, rev: tid(1_000) }),
      /not the event rev/,
    ],
    [
      'a create op carrying prev',
      async () => ({ ...body, ops: [{ ...op(), prev: op().cid }] }),
      /prev key present/,
    ],
    ['its record block left out', () => withoutBlock(body, op().cid), /record block .* missing/],
    ['a high-S signature', () => reforgeCommit(body, () => {}, withHighS(sign())), /signature invalid/],
    [
      'a signature by another key',
      () => reforgeCommit(body, () => {}, signWith('11'.repeat(32))),
      /signature invalid/,
    ],
    [
      'a correctly signed rev 10 minutes ahead',
      () => reforgeCommit(body, (c) => Object.assign(c, { rev: tid(600_000) }), sign()),
      /5 min in the future/,
    ],
  ]
  it.each(commits)('rejects a #commit with %s', async (_, make, why) => {
    const bad = (await make()) as LexMap
    const verdict = verifyCommitEvent(bad, id.did, didKey, Date.now())
    await expect(verdict).rejects.toThrow(CommitRejectedError)
    await expect(verifyCommitEvent(bad, id.did, didKey, Date.now())).rejects.toThrow(why)
  })

  it('summarises', () => {
    reportCheck(
      'relay self-check',
      `${frames.length} bad frames and ${commits.length} bad commits refused; good ones accepted`,
    )
  })
})
