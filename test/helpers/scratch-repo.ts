import { env, runInDurableObject } from 'cloudflare:test'
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
  const stub = env.REPO.get(env.REPO.idFromName(`${name}-${crypto.randomUUID()}`))
  await withOpenedRepo(stub, () => undefined)
  return runInDurableObject(stub, (_actor, state) =>
    fn(state.storage.sql, (f) => state.storage.transactionSync(f)),
  )
}
