import { accountEvent, identityEvent } from '../commit/firehose-events'
import type { RepoWriter } from '../commit/repo-writer'
import { type AccountState, type AccountStatus, fingerprintKey, identityFingerprint } from './account-state'

/** The identity as configured; `handle` is the HANDLE setting, the initial handle. */
export type Identity = { did: string; handle: string; hostname: string; signingDidKey: string }

/**
 * The account events relays need outside of commits (sync v1.1):
 * - at start, when the handle, host or signing key changed since the last start:
 *   `#identity`, plus a re-signed commit announced by `#sync` if the key changed
 *   (commits signed with the old key no longer verify);
 * - a DID document change this PDS made or forwarded: `#identity`;
 * - deactivation: `#account` inactive; activation: `#account`, `#identity`, `#sync`,
 *   the order the reference PDS uses.
 */
export class AccountLifecycle {
  constructor(
    private readonly state: AccountState,
    private readonly writer: RepoWriter,
    private readonly identity: Identity,
  ) {}

  status(): AccountStatus {
    return this.state.status()
  }

  /** The owner's handle: the one updateHandle stored, else the HANDLE setting. */
  handle(): string {
    return this.state.storedHandle() ?? this.identity.handle
  }

  /** Stores a new handle and announces it with `#identity`, in one transaction. */
  async setHandle(handle: string): Promise<void> {
    await this.writer.appendEvents(
      (time) => [identityEvent(this.identity.did, handle, time)],
      () => this.state.setHandle(handle),
    )
  }

  /** Compares the identity with the last start and announces a change. */
  async announceIdentityChange(): Promise<void> {
    const current = identityFingerprint({ ...this.identity, handle: this.handle() })
    const previous = this.state.identityFingerprint()
    const record = () => this.state.setIdentityFingerprint(current)
    // The genesis commit came with its own #identity; the first start only records it.
    if (previous === null) return this.writer.appendEvents(() => [], record)
    if (previous === current) return
    const announce = (time: string) => [identityEvent(this.identity.did, this.handle(), time)]
    if (fingerprintKey(previous) !== this.identity.signingDidKey) return this.writer.resign(announce, record)
    return this.writer.appendEvents(announce, record)
  }

  /** The DID document changed (a PLC operation, a new handle): relays re-resolve it on `#identity`. */
  async announceIdentity(): Promise<void> {
    await this.writer.appendEvents((time) => [identityEvent(this.identity.did, this.handle(), time)])
  }

  async setActive(active: boolean): Promise<void> {
    return active ? this.activate() : this.deactivate()
  }

  async deactivate(): Promise<void> {
    if (!this.state.status().active) return
    await this.writer.appendEvents(
      (time) => [accountEvent(this.identity.did, false, time, 'deactivated')],
      () => this.state.setStatus({ active: false, status: 'deactivated' }),
    )
  }

  async activate(): Promise<void> {
    if (this.state.status().active) return
    const { did } = this.identity
    const handle = this.handle()
    await this.writer.resign(
      (time) => [accountEvent(did, true, time), identityEvent(did, handle, time)],
      () => this.state.setStatus({ active: true, status: null }),
    )
  }
}
