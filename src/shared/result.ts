/**
 * Plain result values for actor RPC. Durable Object RPC does not preserve custom error
 * classes, so an actor returns these for every expected failure, with a code from its own
 * typed union (`RepoCode`, …). Actors never choose an HTTP status: the Worker maps codes
 * to XRPC errors in one table (`src/worker/actor-errors.ts`).
 */
export type Ok<T> = { ok: true; value: T }
export type Err<C extends string> = { ok: false; error: C; message: string }
export type Result<T, C extends string> = Ok<T> | Err<C>

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value })

export const err = <C extends string>(error: C, message: string): Err<C> => ({ ok: false, error, message })
