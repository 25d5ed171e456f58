/**
 * The isolate's copy of the owner's handle, read from the repo actor. updateHandle
 * refreshes the isolate that served it at once; other isolates see a new handle within
 * `HANDLE_TTL_MS`.
 */
export const HANDLE_TTL_MS = 60_000

let cached: { handle: string; until: number } | null = null

/** The cached handle, while it is fresh. */
export const cachedHandle = (now: number): string | null =>
  cached && cached.until > now ? cached.handle : null

/** Remembers the handle the repo actor holds (or updateHandle just stored). */
export function rememberHandle(handle: string, now = Date.now()): void {
  cached = { handle, until: now + HANDLE_TTL_MS }
}
