import { env } from 'cloudflare:test'
import { withOpenedRepo } from './opened-repo'

/** The single sequencer instance. */
export const sequencer = () => env.SEQUENCER.get(env.SEQUENCER.idFromName('sequencer'))

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
  const repo = env.REPO.get(env.REPO.idFromName('repo'))
  let last = 0
  const page = (after: number) => withOpenedRepo(repo, (r) => r.outbox.read(after, 1000))
  for (let rows = await page(0); rows.length > 0; rows = await page(last)) {
    last = rows.at(-1)?.id ?? last
  }
  for (let i = 0; i < 400; i++) {
    if ((await sequencer().lastOutboxId()) >= last) return (await sequencer().info()).head
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`outbox id ${last} was never sequenced`)
}
