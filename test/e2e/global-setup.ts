import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { createPdsIdentity } from './harness/pds-identity'
import { startPds } from './harness/pds-process'
import { groupMembers, stopGroup } from './harness/process-group'
import { registeredServers } from './harness/server-registry'

/** `pgrep -x workerd`: every workerd on the machine (other suites may run their own). */
function pgrepWorkerd(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'workerd'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

/**
 * Starts the PDS under `wrangler dev` on a free port with a fresh temp state directory
 * and did:web identity, and hands the identity to the tests. The teardown stops every
 * server the run started (tests may restart it) and fails if any workerd of theirs survived.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-'))
  const teardown = async () => {
    const servers = registeredServers(dir)
    const ours = new Set<number>()
    for (const s of servers) for (const p of groupMembers(s.pgid)) if (p.comm === 'workerd') ours.add(p.pid)
    try {
      for (const s of servers) await stopGroup(s.pgid)
      // pgrep also lists exited processes until init reaps them, so give that a moment.
      let left = pgrepWorkerd().filter((pid) => ours.has(pid))
      for (let i = 0; i < 100 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100))
        left = pgrepWorkerd().filter((pid) => ours.has(pid))
      }
      if (left.length > 0) throw new Error(`workerd processes left running: ${left.join(', ')}`)
      reportCheck('teardown', `stopped ${servers.length} server(s); pgrep workerd shows none of theirs`)
    } finally {
      if (!process.env.E2E_KEEP_DIR) rmSync(dir, { recursive: true, force: true })
    }
  }
  try {
    const id = await createPdsIdentity(dir, await freePort())
    const server = await startPds(id, 'initial')
    reportCheck('setup', `wrangler dev on ${id.baseUrl} as ${id.did} (process group ${server.pgid})`)
    project.provide('pds', id)
  } catch (e) {
    await teardown()
    throw e
  }
  return teardown
}
