import { runInDurableObject } from 'cloudflare:test'
import { scratchRepoStub } from './actors'
import { withOpenedRepo } from './opened-repo'

/**
 * Runs `fn` inside a fresh repo actor instance (migrated, with its genesis commit),
 * with that instance's SQLite. Only the canonical instance delivers events, so
 * nothing done here reaches the firehose.
 */
export async function inScratchRepo<T>(
  name: string,
  fn: (sql: SqlStorage, transaction: <R>(f: () => R) => R) => Promise<T>,
): Promise<T> {
  const stub = scratchRepoStub(name)
  await withOpenedRepo(stub, () => undefined)
  return runInDurableObject(stub, (_actor, state) =>
    fn(state.storage.sql, (f) => state.storage.transactionSync(f)),
  )
}
