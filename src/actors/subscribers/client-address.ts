/**
 * The address a firehose client is counted and budgeted by. An IPv4 address is itself;
 * an IPv6 address counts by its /64, since one host usually holds a whole /64 and could
 * otherwise open sockets from as many addresses as it likes.
 */
export function clientKey(ip: string | null | undefined): string {
  const raw = ip?.trim().toLowerCase() ?? ''
  if (raw === '') return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(raw)
  if (mapped?.[1]) return mapped[1]
  if (!raw.includes(':')) return raw
  const groups = expandIpv6(raw)
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : raw
}

/** The eight groups of an IPv6 address, each without leading zeros; null when it is not one. */
function expandIpv6(ip: string): string[] | null {
  const [head = '', tail, ...rest] = ip.split('::')
  if (rest.length > 0) return null
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 1) return null
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null
  return groups.map((g) => g.replace(/^0+(?=.)/, ''))
}

/** The header the Worker names a socket's client in when it hands the upgrade to a shard. */
export const CLIENT_HEADER = 'x-edge-pds-client'

const TAG_PREFIX = 'client:'

/** The WebSocket tag that names a socket's client (tags survive hibernation). */
export const clientTag = (client: string): string => `${TAG_PREFIX}${client}`

/** The client named by a socket's tags ('unknown' for sockets accepted before tags existed). */
export function clientFromTags(tags: string[]): string {
  const tag = tags.find((t) => t.startsWith(TAG_PREFIX))
  return tag ? tag.slice(TAG_PREFIX.length) : 'unknown'
}
