/**
 * Which IP literals are not public unicast addresses, so the PDS never calls them for
 * someone else (a DID document or a proxy target). Hosts come from the WHATWG URL parser,
 * which already canonicalises IPv4 (`http://2130706433` is `127.0.0.1`) and IPv6
 * (`[::ffff:127.0.0.1]` is `[::ffff:7f00:1]`).
 */

/** IPv4 ranges that are not public: [first octets as a 32-bit prefix, prefix length]. */
const NON_PUBLIC_V4: [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // documentation
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // documentation
  [0xcb007100, 24], // documentation
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved and broadcast
]

/** An IPv4 literal as a 32-bit number, or null. */
export function parseIpv4(host: string): number | null {
  const parts = host.split('.')
  if (parts.length !== 4) return null
  let n = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null
    n = n * 256 + Number(part)
  }
  return n
}

const inV4Range = (ip: number, [base, bits]: [number, number]) =>
  bits === 0 || Math.floor(ip / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits))

export const isNonPublicIpv4 = (ip: number): boolean => NON_PUBLIC_V4.some((r) => inV4Range(ip, r))

/** An IPv6 literal (no brackets) as eight 16-bit groups, or null. */
export function parseIpv6(host: string): number[] | null {
  let text = host.toLowerCase()
  const zone = text.indexOf('%')
  if (zone >= 0) text = text.slice(0, zone)
  // A trailing dotted IPv4 counts as the last two groups.
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  let embedded: number[] = []
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail)
    if (v4 === null) return null
    embedded = [Math.floor(v4 / 0x10000), v4 % 0x10000]
    text = `${text.slice(0, lastColon + 1)}0:0`
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const head = groups(halves[0] ?? '')
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest]
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null
  const out = all.map((g) => Number.parseInt(g, 16))
  if (embedded.length === 2) out.splice(6, 2, ...embedded)
  return out
}

/** Whether an IPv6 address is anything but a public unicast address. */
export function isNonPublicIpv6(g: number[]): boolean {
  const [a = 0, b = 0, c = 0, , , f = 0] = g
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeroTo(6)) return true // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zeroTo(5) && f === 0xffff) return true // IPv4-mapped ::ffff:a.b.c.d
  if (a === 0x64 && b === 0xff9b) return true // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
  if (a === 0x2002) return isNonPublicIpv4(b * 0x10000 + c) // 6to4 embeds an IPv4
  if (a === 0x2001 && b === 0x0db8) return true // documentation
  if (a === 0x2001 && b === 0) return true // Teredo
  if ((a & 0xfe00) === 0xfc00) return true // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return true // link-local fe80::/10
  if ((a & 0xffc0) === 0xfec0) return true // site-local fec0::/10
  if ((a & 0xff00) === 0xff00) return true // multicast
  return false
}
