import type { RepoActor } from '../actors/repo'
import type { Config } from '../shared/config'
import { configFor } from './config-cache'
import { cachedHandle, rememberHandle } from './handle-cache'
import { repoActor } from './xrpc-context'

/**
 * The owner's handle as the repo actor holds it (the HANDLE setting until updateHandle).
 * `repo` makes the stub only on a cache miss: a stub per request is not free.
 */
export async function ownerHandle(
  repo: () => DurableObjectStub<RepoActor>,
  fallback: string,
): Promise<string> {
  const now = Date.now()
  const cached = cachedHandle(now)
  if (cached !== null) return cached
  try {
    const handle = await repo().handle()
    rememberHandle(handle, now)
    return handle
  } catch {
    // A repo actor that cannot open fails the calls that need it; the rest keep the setting's handle.
    return fallback
  }
}

/** The validated config with the owner's current handle in place of the HANDLE setting. */
export async function ownerConfig(env: Env): Promise<Config> {
  const config = configFor(env)
  const handle = await ownerHandle(() => repoActor(env), config.handle)
  return handle === config.handle ? config : { ...config, handle }
}
