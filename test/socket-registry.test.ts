import { describe, expect, it } from 'vitest'
import { SocketRegistry } from '../src/actors/subscribers/socket-registry'
import { initialState } from '../src/actors/subscribers/subscription-state'

/** Server ends of fresh WebSocket pairs, accepted, with the runtime's list counted. */
function shard(count: number) {
  const pairs = Array.from({ length: count }, () => new WebSocketPair())
  for (const p of pairs) p[1].accept()
  const servers = pairs.map((p) => p[1])
  let asked = 0
  const all = () => {
    asked += 1
    return servers
  }
  const registry = new SocketRegistry(all, () => 'client')
  for (const ws of servers) registry.add(ws, initialState(null, 0))
  return { registry, servers, asked: () => asked }
}

describe('SocketRegistry', () => {
  it('asks the runtime for the sockets once, until one is added, forgotten or closed', () => {
    const { registry, servers, asked } = shard(3)
    const first = registry.open()
    expect(first).toHaveLength(3)
    expect(registry.open()).toBe(first)
    expect(asked()).toBe(1)

    first[0]?.close(1008, 'ConsumerTooSlow')
    const afterClose = registry.open()
    expect(asked()).toBe(2)
    expect(afterClose).toHaveLength(2)

    // The close event of a socket the peer closed.
    ;(servers[1] as WebSocket).close(1000, 'bye')
    expect(registry.open()).toBe(afterClose)
    registry.forget(servers[1] as WebSocket)
    expect(registry.open()).toHaveLength(1)
    expect(asked()).toBe(3)
  })

  it('forgets a socket whose send fails, and ignores state for it afterwards', () => {
    const { registry, servers } = shard(2)
    const [a, b] = registry.open()
    // The runtime's socket is gone under the adapter (closed here, so send throws).
    ;(servers[0] as WebSocket).close(1000, 'gone')
    expect(() => a?.send(new Uint8Array([1]))).not.toThrow()
    a?.setState({ v: 1, sentSeq: 5, phase: 'live' })
    expect(registry.open()).toEqual([b])
  })
})
