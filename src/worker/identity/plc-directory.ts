import * as plc from '@did-plc/lib'
import { invalidRequest, XRPCError } from '../../shared/xrpc-error'
import { readLimited } from '../read-limited'

const MAX_ANSWER_BYTES = 64 * 1024
const TIMEOUT_MS = 10_000

/**
 * The did:plc directory at `PLC_URL` (the operator's setting, so trusted like the
 * AppView URL): the last operation of a DID (`GET /<did>/log/last`, what
 * `@did-plc/lib`'s update helpers build on) and submitting a signed one (`POST /<did>`).
 * A refusal by the directory is the caller's 400 with the directory's message; an
 * unreachable directory is a 502.
 */
export class PlcDirectory {
  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async lastOp(did: string): Promise<plc.CompatibleOpOrTombstone> {
    const res = await this.call(`/${encodeURIComponent(did)}/log/last`)
    const body = await this.answer(res)
    const parsed = plc.def.compatibleOpOrTombstone.safeParse(body)
    if (!parsed.success)
      throw new XRPCError(502, 'UpstreamFailure', 'The PLC directory sent an invalid operation')
    return parsed.data
  }

  async submit(did: string, op: plc.Operation): Promise<void> {
    const res = await this.call(`/${encodeURIComponent(did)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(op),
    })
    // The answer of an accepted operation is not JSON everywhere (`@did-plc/server` says "OK").
    await this.answer(res, false)
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.url}${path}`, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    } catch {
      throw new XRPCError(502, 'UpstreamFailure', 'The PLC directory is unreachable')
    }
  }

  private async answer(res: Response, json = true): Promise<unknown> {
    const bytes = res.body ? await readLimited(res.body, MAX_ANSWER_BYTES) : new Uint8Array()
    const text = bytes === null ? '' : new TextDecoder().decode(bytes)
    if (res.ok) {
      if (!json) return null
      try {
        return text === '' ? null : JSON.parse(text)
      } catch {
        throw new XRPCError(502, 'UpstreamFailure', 'The PLC directory sent an invalid answer')
      }
    }
    if (res.status >= 500)
      throw new XRPCError(502, 'UpstreamFailure', `The PLC directory failed (${res.status})`)
    throw invalidRequest(`The PLC directory refused: ${plcMessage(text) ?? res.status}`)
  }
}

function plcMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { message?: unknown }
    return typeof body.message === 'string' ? body.message.slice(0, 300) : null
  } catch {
    return text ? text.slice(0, 300) : null
  }
}
