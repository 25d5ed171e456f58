import { describe, expect, it } from 'vitest'
import type { OutboxEvent } from '../../src/actors/repo/commit/firehose-events'
import type { Outbox } from '../../src/actors/repo/outbox/outbox'

/** Runs `fn` against a fresh outbox: no rows, nothing delivered. */
export type WithOutbox = (fn: (outbox: Outbox) => void | Promise<void>) => Promise<void>

const event = (size = 1, rev: string | null = null): OutboxEvent => ({
  type: rev ? '#commit' : '#identity',
  rev,
  body: new Uint8Array(size).fill(7),
})
const T = '2026-01-01T00:00:00.000Z'
const appendN = (outbox: Outbox, n: number, size = 1) =>
  Array.from({ length: n }, () => outbox.append(event(size), T))
const ids = (outbox: Outbox, after = 0) => outbox.read(after, 1000).map((r) => r.id)

/** The behaviour every `Outbox` shares, run for each implementation. */
export function describeOutboxContract(name: string, withOutbox: WithOutbox): void {
  describe(`Outbox contract: ${name}`, () => {
    it('hands out consecutive increasing ids and reads rows back in id order, as written', () =>
      withOutbox((outbox) => {
        const first = outbox.append(event(3, '3abc'), T)
        const rest = appendN(outbox, 4)
        expect(first).toBeGreaterThan(0)
        expect(rest).toEqual([first + 1, first + 2, first + 3, first + 4])
        const [row] = outbox.read(0, 1)
        expect(row).toEqual({
          id: first,
          type: '#commit',
          rev: '3abc',
          body: new Uint8Array([7, 7, 7]),
          createdAt: T,
        })
        expect(ids(outbox)).toEqual([first, ...rest])
        expect(ids(outbox, first + 2)).toEqual([first + 3, first + 4])
      }))

    it('reads at most `limit` rows and about `maxBytes` of bodies, but always one row', () =>
      withOutbox((outbox) => {
        const all = appendN(outbox, 5, 10)
        expect(outbox.read(0, 2).map((r) => r.id)).toEqual(all.slice(0, 2))
        expect(outbox.read(0, 0)).toEqual([])
        expect(outbox.read(0, 10, 30).map((r) => r.id)).toEqual(all.slice(0, 3))
        expect(outbox.read(0, 10, 29).map((r) => r.id)).toEqual(all.slice(0, 2))
        expect(outbox.read(0, 10, 1).map((r) => r.id)).toEqual(all.slice(0, 1))
        expect(outbox.read(all.at(-1) ?? 0, 10)).toEqual([])
      }))

    it('hands out copies: changing a row read does not change the outbox', () =>
      withOutbox((outbox) => {
        const e = event(2)
        outbox.append(e, T)
        e.body.fill(0)
        const [row] = outbox.read(0, 1)
        row?.body.fill(1)
        expect(outbox.read(0, 1)[0]?.body).toEqual(new Uint8Array([7, 7]))
      }))

    it('never moves the acknowledged id back', () =>
      withOutbox((outbox) => {
        expect(outbox.deliveredThrough()).toBe(0)
        const [a, , c] = appendN(outbox, 3) as [number, number, number]
        outbox.markDelivered(c, 100)
        outbox.markDelivered(a, 100)
        expect(outbox.deliveredThrough()).toBe(c)
      }))

    it('drops delivered rows beyond the newest `keep`, and never reuses their ids', () =>
      withOutbox((outbox) => {
        const all = appendN(outbox, 10)
        const last = all.at(-1) ?? 0
        outbox.markDelivered(last - 2, 3) // rows through last - 5 go
        expect(ids(outbox)).toEqual(all.slice(5))
        outbox.markDelivered(last, 0)
        expect(ids(outbox)).toEqual([])
        expect(outbox.append(event(), T)).toBe(last + 1)
      }))
  })
}
