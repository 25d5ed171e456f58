import { repoStub as repo, sequencerStub as sequencer } from './actors'
import { withOpenedRepo, withSequencer } from './opened-repo'

export { sequencer }

/**
 * Waits for the repo actor's delivery in progress, if any, to end (a hook, not a poll:
 * every commit wakes delivery before its RPC answers, and a restarted actor delivers what
 * is pending as it opens). Starts no delivery of its own.
 */
async function deliveryIdle(): Promise<void> {
  await withOpenedRepo(repo(), (r) => r.delivery.idle())
}

/** Waits for delivery to finish and checks the sequencer's head reached `head`. */
export async function untilHead(head: number): Promise<void> {
  await deliveryIdle()
  const now = (await sequencer().info()).head
  if (now < head) throw new Error(`sequencer head is ${now}, not ${head}, once delivery stopped`)
}

/** Waits until every event the repo actor has written so far is sequenced, and returns the head. */
export async function settledHead(): Promise<number> {
  await deliveryIdle()
  const last = await withOpenedRepo(repo(), (r) => {
    let id = 0
    for (let rows = r.outbox.read(0, 1000); rows.length > 0; rows = r.outbox.read(id, 1000))
      id = rows.at(-1)?.id ?? id
    return id
  })
  const sequenced = await withSequencer((s) => s.lastOutboxId())
  if (sequenced < last)
    throw new Error(`outbox id ${last} not sequenced (${sequenced}) once delivery stopped`)
  return (await sequencer().info()).head
}
