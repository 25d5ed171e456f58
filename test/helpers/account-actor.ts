import { env, runInDurableObject } from 'cloudflare:test'
import { type AccountActor, accountStub } from '../../src/actors/account'
import type { Account } from '../../src/actors/account/account'
import { DEFAULT_LIMITS, type Limits, parseLimits } from '../../src/shared/config/limits'

const defaults = (): Limits => {
  const parsed = parseLimits(DEFAULT_LIMITS)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

/** Runs `fn` on the live account actor's Account (same isolate as the test). */
export const onAccountActor = <T>(fn: (account: Account) => T | Promise<T>): Promise<T> =>
  // biome-ignore lint/complexity/useLiteralKeys: `account` is private; tests reach it on purpose.
  runInDurableObject(accountStub(env), (actor: AccountActor) => fn(actor['account']))

/** Moves the account actor's clock `ms` further ahead of real time than it is now. */
export const moveAccountClock = (ms: number): Promise<void> =>
  onAccountActor((actor) => {
    const offset = actor.clock() - Date.now() + ms
    actor.clock = () => Date.now() + offset
  })

/** Replaces some of the account actor's limits; the rest keep their defaults. */
export const setAccountLimits = (patch: Partial<Limits>): Promise<void> =>
  onAccountActor((actor) => {
    actor.limits = { ...defaults(), ...patch }
  })

/** Puts the real clock and the default limits back. */
export const resetAccountActor = (): Promise<void> =>
  onAccountActor((actor) => {
    actor.clock = () => Date.now()
    actor.limits = defaults()
  })
