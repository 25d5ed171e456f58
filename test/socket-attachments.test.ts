import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { SubscriberActor } from '../src/actors/subscribers'
import { parseState, type SubscriptionState } from '../src/actors/subscribers/subscription-state'
import { shardStub } from './helpers/actors'
import { agent, OWNER } from './helpers/client'
import { subscribe } from './helpers/firehose-client'
import { settledHead } from './helpers/sequencer'

/**
 * The subscription states stored in every shard's socket attachments, once each shard has
 * written what changed (the registry's own flush timer runs; the test waits on it).
 */
async function storedStates() {
  const states: (SubscriptionState | null)[] = []
  for (let i = 0; i < 8; i++) {
    await runInDurableObject(shardStub(i), async (actor: SubscriberActor, state) => {
      // biome-ignore lint/complexity/useLiteralKeys: the registry is private; the test waits on it.
      await actor['sockets'].written()
      for (const ws of state.getWebSockets()) states.push(parseState(ws.deserializeAttachment()))
    })
  }
  return states
}

describe('subscriber socket attachments', () => {
  it('catch up with what was sent shortly after, so a hibernated shard resumes where it was', async () => {
    for (let i = 0; i < 3; i++) {
      await agent().com.atproto.repo.createRecord({
        repo: OWNER.did,
        collection: 'com.example.att',
        record: { i },
      })
    }
    const head = await settledHead()
    const sub = await subscribe(0)
    await sub.waitFor(head)
    expect(await storedStates()).toContainEqual({ v: 1, sentSeq: head, phase: 'live' })
    sub.close()
  })
})
