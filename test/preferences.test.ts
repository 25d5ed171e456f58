import { describe, expect, it } from 'vitest'
import { ageAt } from '../src/actors/repo/preferences/preferences-store'
import { OWNER } from './helpers/client'
import { callAs, freshAgent, login, PASSWORD } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

type Pref = Record<string, unknown> & { $type: string }

const PERSONAL = 'app.bsky.actor.defs#personalDetailsPref'
const AGE = 'app.bsky.actor.defs#declaredAgePref'

async function put(token: string, preferences: unknown[]): Promise<Response> {
  return callAs(token, 'app.bsky.actor.putPreferences', { body: { preferences } })
}

async function get(token: string): Promise<Pref[]> {
  const res = await callAs(token, 'app.bsky.actor.getPreferences')
  expect(res.status, await res.clone().text()).toBe(200)
  return ((await res.json()) as { preferences: Pref[] }).preferences
}

async function appPasswordSession(): Promise<string> {
  const res = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
    body: { name: `prefs-${crypto.randomUUID().slice(0, 8)}`, privileged: true },
  })
  return (await login(((await res.json()) as { password: string }).password)).accessJwt
}

const adult = { $type: PERSONAL, birthDate: '1990-04-01T00:00:00.000Z' }
const feeds = {
  $type: 'app.bsky.actor.defs#savedFeedsPrefV2',
  items: [{ id: 'a', type: 'timeline', value: 'following', pinned: true }],
}
const adult18 = { $type: 'app.bsky.actor.defs#adultContentPref', enabled: false }

describe('preferences', () => {
  it('round-trips through AtpAgent, replacing everything on each put', async () => {
    const agent = freshAgent()
    await agent.login({ identifier: OWNER.handle, password: PASSWORD })
    await agent.app.bsky.actor.putPreferences({ preferences: [feeds, adult18] })
    expect((await agent.app.bsky.actor.getPreferences()).data.preferences).toEqual([feeds, adult18])
    await agent.app.bsky.actor.putPreferences({ preferences: [adult18] })
    expect((await agent.app.bsky.actor.getPreferences()).data.preferences).toEqual([adult18])
  })

  it('derives declaredAgePref from personalDetailsPref, and never stores a sent one', async () => {
    await put(OWNER.authToken, [
      adult,
      { $type: AGE, isOverAge13: false, isOverAge16: false, isOverAge18: false },
    ])
    const prefs = await get(OWNER.authToken)
    expect(prefs).toContainEqual(adult)
    expect(prefs.filter((p) => p.$type === AGE)).toEqual([
      { $type: AGE, isOverAge13: true, isOverAge16: true, isOverAge18: true },
    ])
  })

  it('computes ages by calendar date', () => {
    const now = Date.parse('2026-04-01T12:00:00Z')
    expect(ageAt('2008-04-01', now)).toBe(18)
    expect(ageAt('2008-04-02', now)).toBe(17)
  })

  it('needs a $type on every item and stays in app.bsky', async () => {
    const missing = await put(OWNER.authToken, [{ enabled: true }])
    expect((await expectXrpcError(missing, 400, 'InvalidRequest')).message).toBe(
      'Preference is missing a $type',
    )
    const foreign = await put(OWNER.authToken, [{ $type: 'com.example.pref' }])
    await expectXrpcError(foreign, 400, 'InvalidRequest')
    await expectXrpcError(
      await callAs(OWNER.authToken, 'app.bsky.actor.putPreferences', { body: {} }),
      400,
      'InvalidRequest',
    )
  })

  it('needs owner auth', async () => {
    await expectXrpcError(await callAs(null, 'app.bsky.actor.getPreferences'), 401, 'AuthenticationRequired')
    await expectXrpcError(await put('bogus', [feeds]), 400, 'InvalidToken')
  })

  it('hides personalDetailsPref from app passwords, refuses their writes of it, and keeps it on their puts', async () => {
    await put(OWNER.authToken, [adult, feeds])
    const appPass = await appPasswordSession()
    const seen = await get(appPass)
    expect(seen.map((p) => p.$type)).not.toContain(PERSONAL)
    expect(seen).toContainEqual(feeds)

    const refused = await put(appPass, [{ ...adult, birthDate: '2015-01-01' }])
    await expectXrpcError(refused, 400, 'InvalidRequest')

    expect((await put(appPass, [adult18])).status).toBe(200)
    const full = await get(OWNER.authToken)
    expect(full).toContainEqual(adult)
    expect(full).toContainEqual(adult18)
    expect(full).not.toContainEqual(feeds)
  })
})
