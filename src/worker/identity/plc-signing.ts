import type { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'
import { invalidRequest } from '../../shared/xrpc-error'
import type { DidCredentials } from './did-credentials'

/** What `signPlcOperation` may change; an absent field keeps the current log's value. */
export type RequestedChanges = Partial<DidCredentials>

const stringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string')
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The changes in a `signPlcOperation` body, each checked for its shape (400 otherwise). */
export function requestedChanges(body: Record<string, unknown>): RequestedChanges {
  const changes: RequestedChanges = {}
  const { rotationKeys, alsoKnownAs, verificationMethods, services } = body
  if (rotationKeys !== undefined) {
    if (!stringList(rotationKeys)) throw invalidRequest('rotationKeys must be a list of did:key')
    changes.rotationKeys = rotationKeys
  }
  if (alsoKnownAs !== undefined) {
    if (!stringList(alsoKnownAs)) throw invalidRequest('alsoKnownAs must be a list of URIs')
    changes.alsoKnownAs = alsoKnownAs
  }
  if (verificationMethods !== undefined) {
    if (
      !isRecord(verificationMethods) ||
      !Object.values(verificationMethods).every((v) => typeof v === 'string')
    )
      throw invalidRequest('verificationMethods must map names to did:key')
    changes.verificationMethods = verificationMethods as Record<string, string>
  }
  if (services !== undefined) {
    const valid =
      isRecord(services) &&
      Object.values(services).every(
        (s) => isRecord(s) && typeof s.type === 'string' && typeof s.endpoint === 'string',
      )
    if (!valid) throw invalidRequest('services must map names to {type, endpoint}')
    changes.services = services as DidCredentials['services']
  }
  return changes
}

/**
 * Signs, with `signer` (the PDS's rotation key), an operation on top of `last` (the
 * directory's `/log/last`) that applies `changes`; `@did-plc/lib` normalises a legacy
 * create operation and links `prev`. A tombstoned DID has nothing to build on (400).
 */
export async function signUpdate(
  last: plc.CompatibleOpOrTombstone,
  signer: Secp256k1Keypair,
  changes: RequestedChanges,
): Promise<plc.Operation> {
  if (last.type === 'plc_tombstone') throw invalidRequest('The DID is tombstoned')
  // @NOTE @did-plc/lib types its own (older) @atproto/crypto Keypair; ours has the same shape.
  return plc.createUpdateOp(
    last,
    signer as unknown as Parameters<typeof plc.createUpdateOp>[1],
    (current) => ({
      ...current,
      rotationKeys: changes.rotationKeys ?? current.rotationKeys,
      alsoKnownAs: changes.alsoKnownAs ?? current.alsoKnownAs,
      verificationMethods: changes.verificationMethods ?? current.verificationMethods,
      services: changes.services ?? current.services,
    }),
  )
}

/** Signs an operation on top of `last` that puts `at://<handle>` in place of the current handle. */
export async function signHandleUpdate(
  last: plc.CompatibleOpOrTombstone,
  signer: Secp256k1Keypair,
  handle: string,
): Promise<plc.Operation> {
  if (last.type === 'plc_tombstone') throw invalidRequest('The DID is tombstoned')
  return plc.updateHandleOp(last, signer as unknown as Parameters<typeof plc.updateHandleOp>[1], handle)
}
