import { repoStub, sequencerStub as sequencer } from './actors'

/** Polls until the sequencer's head reaches `head` (delivery from the repo actor is asynchronous). */
export async function untilHead(head: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await sequencer().info()).head >= head) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`sequencer head never reached ${head}`)
}

/** Waits until every event the repo actor has written so far is sequenced, and returns the head. */
export async function settledHead(): Promise<number> {
  const repo = repoStub()
  let last = 0
  for (let rows = await repo.readOutbox(0, 1000); rows.length > 0; rows = await repo.readOutbox(last, 1000)) {
    last = rows.at(-1)?.id ?? last
  }
  for (let i = 0; i < 400; i++) {
    if ((await sequencer().lastOutboxId()) >= last) return (await sequencer().info()).head
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`outbox id ${last} was never sequenced`)
}
