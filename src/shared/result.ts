/**
 * Plain result values for actor RPC. Durable Object RPC does not preserve custom
 * error classes, so actors return these and the Worker maps them to XRPC errors.
 */
export type Ok<T> = { ok: true; value: T }
export type Err = { ok: false; error: string; message: string; status?: number }
export type Result<T> = Ok<T> | Err

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value })

export const err = (error: string, message: string, status?: number): Err =>
  status === undefined ? { ok: false, error, message } : { ok: false, error, message, status }
