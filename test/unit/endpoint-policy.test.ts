import { describe, expect, it } from 'vitest'
import { XRPCError } from '../../src/shared/xrpc-error'
import { checkPublicUrl, isLocalHost } from '../../src/worker/proxy/endpoint-policy'
import { parseIpv6 } from '../../src/worker/proxy/ip-ranges'

/** The host as the URL parser hands it over, as the proxy sees it. */
const hostOf = (url: string) => new URL(url).hostname

describe('the proxy private-address guard', () => {
  it.each([
    'https://127.0.0.1/',
    'https://2130706433/', // 127.0.0.1 in decimal
    'https://0x7f.1/', // 127.0.0.1 in hex shorthand
    'https://10.1.2.3/',
    'https://172.31.0.1/',
    'https://192.168.1.1/',
    'https://169.254.169.254/',
    'https://100.64.0.1/',
    'https://100.127.255.254/',
    'https://198.18.0.1/',
    'https://198.19.255.255/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://[::1]/',
    'https://[::]/',
    'https://[::ffff:7f00:1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:8.8.8.8]/', // mapped addresses are never called, public or not
    'https://[fc00::1]/',
    'https://[fd12:3456::1]/',
    'https://[fe80::1]/',
    'https://[fec0::1]/',
    'https://[64:ff9b::7f00:1]/',
    'https://[64:ff9b::808:808]/',
    'https://[2002:7f00:1::]/', // 6to4 of 127.0.0.1
    'https://[ff02::1]/',
    'https://localhost/',
    'https://api.localhost/',
    'https://localhost./',
  ])('refuses %s', (url) => {
    expect(isLocalHost(hostOf(url))).toBe(true)
    expect(() => checkPublicUrl(url, false)).toThrow(XRPCError)
  })

  it.each([
    'https://8.8.8.8/',
    'https://100.63.255.255/',
    'https://100.128.0.1/',
    'https://198.17.255.255/',
    'https://198.20.0.1/',
    'https://172.32.0.1/',
    'https://[2606:4700::6810:84e5]/',
    'https://[2002:808:808::]/', // 6to4 of a public address
    'https://api.bsky.app/',
  ])('allows %s', (url) => {
    expect(isLocalHost(hostOf(url))).toBe(false)
    expect(checkPublicUrl(url, false)).toBe(url.replace(/\/$/, ''))
  })

  it('parses IPv6 forms the URL parser produces', () => {
    expect(parseIpv6('::ffff:7f00:1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])
    expect(parseIpv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1])
    expect(parseIpv6('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(parseIpv6('1::2::3')).toBeNull()
    expect(parseIpv6('1:2:3')).toBeNull()
  })
})
