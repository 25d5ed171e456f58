import type { DidDocument } from '@atcute/identity'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/shared/config'
import { didDocument } from '../../src/worker/did-document'
import { didNamesThisPds } from '../../src/worker/did-validity'
import { TEST_BINDINGS } from '../helpers/test-identity'

const PLC_DID = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz'

function config(did: string) {
  const parsed = parseConfig({ ...TEST_BINDINGS, DID: did, PLC_ROTATION_KEY: '11'.repeat(32) })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

/** Our own document, as PLC would serve it for `did`, edited by `edit`. */
async function plcDocument(edit: (doc: Record<string, unknown>) => void = () => {}): Promise<DidDocument> {
  const doc = (await didDocument(config(PLC_DID))) as unknown as Record<string, unknown>
  edit(doc)
  return doc as unknown as DidDocument
}

describe('didNamesThisPds', () => {
  it('accepts our own did:web document without resolving anything', async () => {
    const resolve = () => Promise.reject(new Error('not called'))
    expect(await didNamesThisPds(config(TEST_BINDINGS.DID), resolve)).toBe(true)
  })

  it('resolves a did:plc and requires our endpoint and our key', async () => {
    const plc = config(PLC_DID)
    expect(await didNamesThisPds(plc, async () => plcDocument())).toBe(true)
    const elsewhere = await plcDocument((d) => {
      d.service = [
        { id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://old.host' },
      ]
    })
    expect(await didNamesThisPds(plc, async () => elsewhere)).toBe(false)
    const oldKey = await plcDocument((d) => {
      d.verificationMethod = [
        {
          id: `${PLC_DID}#atproto`,
          type: 'Multikey',
          controller: PLC_DID,
          publicKeyMultibase: 'zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF',
        },
      ]
    })
    expect(await didNamesThisPds(plc, async () => oldKey)).toBe(false)
    expect(await didNamesThisPds(plc, () => Promise.reject(new Error('unreachable')))).toBe(false)
  })
})
