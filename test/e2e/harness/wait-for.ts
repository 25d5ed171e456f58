/** Polls `done` every 50 ms; throws naming `what` once `timeoutMs` has passed. */
export async function waitFor(done: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
