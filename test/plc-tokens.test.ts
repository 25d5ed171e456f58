import { afterEach, describe, expect, it } from 'vitest'
import { PLC_TOKEN_TTL_MS } from '../src/actors/account/plc-tokens'
import { moveAccountClock, resetAccountActor } from './helpers/account-actor'
import { accountStub } from './helpers/actors'
import { xrpc } from './helpers/client'
import { expectXrpcError } from './helpers/xrpc-expect'

afterEach(() => resetAccountActor())

describe('PLC operation tokens in the account actor', () => {
  it('issues one pending token, accepts it once, and refuses a wrong one', async () => {
    const account = accountStub()
    const issued = await account.issuePlcToken()
    expect(issued.token).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/)
    expect(await account.pendingPlcToken()).toEqual(issued)
    expect(await account.usePlcToken('AAAAA-AAAAA')).toMatchObject({ ok: false, error: 'InvalidToken' })
    expect(await account.usePlcToken(issued.token.toLowerCase())).toEqual({ ok: true, value: undefined })
    expect(await account.usePlcToken(issued.token)).toMatchObject({ ok: false, error: 'InvalidToken' })
    expect(await account.pendingPlcToken()).toBeNull()
  })

  it('replaces a pending token with a new request', async () => {
    const account = accountStub()
    const first = await account.issuePlcToken()
    const second = await account.issuePlcToken()
    if (first.token !== second.token)
      expect(await account.usePlcToken(first.token)).toMatchObject({ ok: false, error: 'InvalidToken' })
    expect(await account.usePlcToken(second.token)).toMatchObject({ ok: true })
  })

  it('refuses a token after 15 minutes with ExpiredToken, and forgets it', async () => {
    const account = accountStub()
    const issued = await account.issuePlcToken()
    await moveAccountClock(PLC_TOKEN_TTL_MS + 1)
    expect(await account.pendingPlcToken()).toBeNull()
    expect(await account.usePlcToken(issued.token)).toMatchObject({ ok: false, error: 'ExpiredToken' })
    expect(await account.usePlcToken(issued.token)).toMatchObject({ ok: false, error: 'InvalidToken' })
  })
})

describe('PLC signing methods of a did:web owner', () => {
  it.each([
    ['com.atproto.identity.requestPlcOperationSignature', { body: {} }],
    ['com.atproto.identity.signPlcOperation', { body: { token: 'AAAAA-AAAAA' } }],
    ['dev.edgepds.identity.getPlcOperationToken', {}],
  ])('%s refuses: a did:web has no PLC log', async (nsid, opts) => {
    const body = await expectXrpcError(await xrpc(nsid, opts), 400, 'InvalidRequest')
    expect(body.message).toContain('is not a did:plc')
  })
})
