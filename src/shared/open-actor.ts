import type { Logger } from './logger'

/**
 * Opens an actor's state once, inside `blockConcurrencyWhile` so no call runs before it.
 * A failure is caught inside and re-thrown outside: thrown inside, it would reset the
 * object and the caller would see an opaque error; here every call awaiting the promise
 * fails with the actual reason (for example a broken setting), and it is logged once.
 */
export function openActor<T>(ctx: DurableObjectState, open: () => T | Promise<T>, log: Logger): Promise<T> {
  const outcome = ctx.blockConcurrencyWhile(async () => {
    try {
      return { ok: true as const, value: await open() }
    } catch (error) {
      log.error('actor did not open', { error: String(error) })
      return { ok: false as const, error }
    }
  })
  const opened = outcome.then((o) => {
    if (!o.ok) throw o.error
    return o.value
  })
  // Nobody may be waiting yet: the rejection is reported to the callers, not as unhandled.
  opened.catch(() => {})
  return opened
}
