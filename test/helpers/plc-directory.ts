/**
 * A real PLC directory for unit tests: `@did-plc/server` over its in-memory database
 * (`Database.mock()`), on a free loopback port. Node only (it is an Express server).
 */
import type { AddressInfo } from 'node:net'
import { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'
import { Database, PlcServer } from '@did-plc/server'

export type PlcDirectory = { url: string; close: () => Promise<void> }

export async function startPlcDirectory(): Promise<PlcDirectory> {
  const server = PlcServer.create({ db: Database.mock(), port: 0 })
  const http = await server.start()
  const { port } = http.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => server.destroy() }
}

/** Registers a new did:plc; returns it with the rotation key that controls it (new unless given). */
export async function createPlcDid(
  directory: PlcDirectory,
  opts: { signingKey: string; handle: string; pds: string; rotation?: Secp256k1Keypair },
): Promise<{ did: string; rotation: Secp256k1Keypair }> {
  const rotation = opts.rotation ?? (await Secp256k1Keypair.create({ exportable: true }))
  const { op, did } = await plc.createOp({
    signingKey: opts.signingKey,
    handle: opts.handle,
    pds: opts.pds,
    rotationKeys: [rotation.did()],
    // @NOTE @did-plc/lib types its own (older) @atproto/crypto Keypair; ours has the same shape.
    signer: rotation as never,
  })
  await postOp(directory, did, op)
  return { did, rotation }
}

/** Posts an operation; throws with PLC's answer when refused. */
export async function postOp(directory: PlcDirectory, did: string, op: unknown): Promise<void> {
  const res = await fetch(`${directory.url}/${did}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(op),
  })
  if (!res.ok) throw new Error(`PLC refused: ${res.status} ${await res.text()}`)
}

/** The directory's current document data (`/<did>/data`). */
export async function plcData(directory: PlcDirectory, did: string): Promise<plc.DocumentData> {
  const res = await fetch(`${directory.url}/${did}/data`)
  if (!res.ok) throw new Error(`PLC: ${res.status}`)
  return (await res.json()) as plc.DocumentData
}
