import { describe, expect, it } from 'vitest'
import type { ShardLoad } from '../../src/actors/sequencer'
import { ShardRegistration } from '../../src/actors/subscribers/shard-registration'

/** `n` sockets of one client. */
const load = (n: number): ShardLoad => ({ sockets: n, clients: n > 0 ? ['client-a'] : [] })

/** A sequencer whose register/unregister calls resolve when the test says so. */
function fakeSequencer(head: () => number) {
  const registered = new Set<string>()
  const calls: { present: boolean; done: () => void }[] = []
  const announce = ({ sockets }: ShardLoad) => {
    const present = sockets > 0
    return new Promise<number | undefined>((resolve) =>
      calls.push({
        present,
        done: () => {
          if (present) registered.add('s')
          else registered.delete('s')
          resolve(present ? head() : undefined)
        },
      }),
    )
  }
  return { registered, calls, announce }
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('ShardRegistration', () => {
  it('registers a socket that arrives while the last one is being unregistered', async () => {
    let sockets = 1
    const seq = fakeSequencer(() => 7)
    const reg = new ShardRegistration(() => load(sockets), seq.announce)
    const first = reg.sync()
    await settle()
    seq.calls[0]?.done()
    expect(await first).toBe(7)
    // The last socket closes: an unregister goes out...
    sockets = 0
    const closing = reg.sync()
    await settle()
    expect(seq.calls.map((c) => c.present)).toEqual([true, false])
    // ...and a new socket connects before it lands.
    sockets = 1
    const joining = reg.sync()
    seq.calls[1]?.done()
    await settle()
    expect(seq.calls.map((c) => c.present)).toEqual([true, false, true])
    seq.calls[2]?.done()
    expect(await joining).toBe(7)
    expect(await closing).toBe(7)
    expect(seq.registered.has('s')).toBe(true)
  })

  it('tells the sequencer once per change, not once per socket', async () => {
    let sockets = 0
    const seq = fakeSequencer(() => 1)
    const reg = new ShardRegistration(() => load(sockets), seq.announce)
    sockets = 3
    const a = reg.sync()
    const b = reg.sync()
    await settle()
    for (const c of seq.calls) c.done()
    await Promise.all([a, b])
    await reg.sync()
    expect(seq.calls.map((c) => c.present)).toEqual([true])
  })

  it('tells the sequencer of a new client on a shard that already held sockets', async () => {
    const announced: ShardLoad[] = []
    let now: ShardLoad = load(1)
    const reg = new ShardRegistration(
      () => now,
      async (l) => {
        announced.push(l)
        return 1
      },
    )
    await reg.sync()
    now = { sockets: 2, clients: ['client-a', 'client-b'] }
    await reg.sync()
    await reg.sync()
    expect(announced).toEqual([load(1), { sockets: 2, clients: ['client-a', 'client-b'] }])
  })

  it('unregisters after a restart with no sockets, though it never registered in this life', async () => {
    const seq = fakeSequencer(() => 1)
    seq.registered.add('s') // persisted by the sequencer before the restart
    const reg = new ShardRegistration(() => load(0), seq.announce)
    const done = reg.sync()
    await settle()
    seq.calls[0]?.done()
    await done
    expect(seq.registered.has('s')).toBe(false)
  })

  it('tries again on the next sync after a failed announcement', async () => {
    let fail = true
    const announced: boolean[] = []
    const reg = new ShardRegistration(
      () => load(1),
      async ({ sockets }) => {
        if (fail) throw new Error('sequencer unreachable')
        announced.push(sockets > 0)
        return 3
      },
    )
    await expect(reg.sync()).rejects.toThrow('unreachable')
    fail = false
    expect(await reg.sync()).toBe(3)
    expect(announced).toEqual([true])
  })
})
