import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SqlAlarmDeadlines } from '../src/actors/repo/schedule/sql-alarm-deadlines'
import type { StatusView } from '../src/worker/status/gather'
import { repoStub } from './helpers/actors'
import { BASE_URL, OWNER, xrpc } from './helpers/client'

// This pool leaves BACKUP_EVERY_HOURS unset; test/backups/ runs with it on.
describe('scheduled repo snapshots, when BACKUP_EVERY_HOURS is unset', () => {
  it('schedules none, writes none and says "off" on both status views', async () => {
    const res = await xrpc('com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: 'com.example.noSnapshot', record: { text: 'x' } },
    })
    expect(res.status).toBe(200)
    // A slot left from when snapshots were on writes nothing when it comes due, and is dropped.
    const pending = await runInDurableObject(repoStub(), async (_actor, state) => {
      new SqlAlarmDeadlines(state.storage.sql).replace('snapshot', Date.now())
      await state.storage.setAlarm(Date.now() + 3_600_000)
      return new SqlAlarmDeadlines(state.storage.sql).get('snapshot')
    })
    expect(pending).not.toBeNull()
    expect(await runDurableObjectAlarm(repoStub())).toBe(true)
    const after = await runInDurableObject(repoStub(), (_actor, state) =>
      new SqlAlarmDeadlines(state.storage.sql).get('snapshot'),
    )
    expect(after).toBeNull()
    expect((await env.BLOBS.list({ prefix: 'snapshots/' })).objects).toEqual([])
    expect(await repoStub().snapshots()).toEqual({ everyHours: null, keep: 7, next: null, snapshots: [] })

    const views: Record<string, string>[] = [{}, { authorization: `Bearer ${OWNER.authToken}` }]
    for (const headers of views) {
      const view = (await (
        await SELF.fetch(new URL('/', BASE_URL), { headers: { accept: 'application/json', ...headers } })
      ).json()) as StatusView
      expect(view.backups.on).toBe(false)
      expect(view.backups.snapshots ?? []).toEqual([])
    }
  })
})
