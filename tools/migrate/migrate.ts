import { AtpAgent } from '@atproto/api'
import { copyMissingBlobs } from './blob-copy'
import { newHostSession } from './new-host-login'
import { movePlcIdentity, plcOperationToken } from './plc-step'
import { repoAlreadyImported, streamRepo } from './repo-copy'
import type { SourceAccount } from './source-account'

/** What a migration needs to know and may call. */
export type MigrateOptions = {
  source: SourceAccount
  newUrl: string
  oldPassword: string
  newPassword: string
  /** For `createAccount` at a new host that lacks the account; default: the old session's. */
  handle: string | null
  email: string | null
  plcTokenFromEnv: string | null
  askPlcToken: () => Promise<string>
  fetch: typeof fetch
  log: (line: string) => void
  blobProgress: (done: number, total: number) => void
}

/** Raised when a step fails: which one, and what was already done (for the resume message). */
export class MigrationStepError extends Error {
  constructor(
    readonly step: string,
    readonly done: readonly string[],
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
  }
}

/**
 * The standard account migration, resumable. Steps, in order:
 *
 *   login (old, then new: log in, or createAccount with a service JWT from the old host)
 *   → repo (getRepo streamed into importRepo, unless the new host already has it)
 *   → blobs (what listMissingBlobs names) → preferences
 *   → identity (recommended credentials, signed by the old host with the PLC token,
 *     submitted by the new host; skipped when the DID already names the new host)
 *   → activate the new host → deactivate the old host.
 *
 * Invariants: the PLC step comes after the blobs, so a long copy cannot outlive the token;
 * nothing at the old host is deactivated before the new one is active. Every step asks the
 * hosts what is done (checkAccountStatus, listMissingBlobs) instead of keeping local state,
 * so running it again after any failure finishes the job.
 */
export async function migrate(o: MigrateOptions): Promise<void> {
  const { did, oldPdsUrl } = o.source
  const done: string[] = []
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (e) {
      throw new MigrationStepError(name, done, e)
    }
  }

  const old = new AtpAgent({ service: oldPdsUrl })
  await step('log in at the old host', () => old.login({ identifier: did, password: o.oldPassword }))
  const handle = o.handle ?? old.session?.handle ?? did
  const neu = await step('log in at the new host', () =>
    newHostSession({
      newUrl: o.newUrl,
      did,
      password: o.newPassword,
      old,
      handle,
      email: o.email ?? old.session?.email ?? null,
      log: o.log,
    }),
  )
  done.push(`logged in at ${oldPdsUrl} and ${o.newUrl} as ${did}`)

  let status = (
    await step('checkAccountStatus at the new host', () => neu.com.atproto.server.checkAccountStatus())
  ).data
  if (!(status.activated && status.validDid)) {
    const oldStatus = (
      await step('checkAccountStatus at the old host', () => old.com.atproto.server.checkAccountStatus())
    ).data
    if (repoAlreadyImported(oldStatus, status)) {
      o.log(`repo: already imported (${status.indexedRecords} records, rev ${status.repoRev})`)
    } else {
      if (status.activated) {
        // importRepo runs only while deactivated; the DID does not name this host yet.
        await step('deactivate the new host before the import', () =>
          neu.com.atproto.server.deactivateAccount({}),
        )
      }
      const bytes = await step('import the repo', () => streamRepo({ old, neu, did, fetch: o.fetch }))
      o.log(`repo: imported ${bytes} bytes (${oldStatus.indexedRecords} records at the old host)`)
    }
    done.push('repo imported')

    const blobs = await step('copy blobs', () =>
      copyMissingBlobs({ old, neu, did, progress: o.blobProgress }),
    )
    o.log(`blobs: ${blobs.copied} copied, ${blobs.alreadyThere} already there`)
    done.push('blobs copied')

    await step('copy preferences', async () => {
      const { data } = await old.app.bsky.actor.getPreferences()
      await neu.app.bsky.actor.putPreferences({ preferences: data.preferences })
      o.log(`preferences: ${data.preferences.length} copied`)
    })
    done.push('preferences copied')

    status = (
      await step('checkAccountStatus at the new host', () => neu.com.atproto.server.checkAccountStatus())
    ).data
    if (!status.validDid) {
      const token = await step('get the PLC operation token', () =>
        plcOperationToken({
          old,
          fromEnv: o.plcTokenFromEnv,
          ask: o.askPlcToken,
          fetch: o.fetch,
          log: o.log,
        }),
      )
      await step('update the DID document', () => movePlcIdentity({ old, neu, token }))
      o.log('identity: the DID document names the new host')
    } else {
      o.log('identity: the DID document already names the new host')
    }
    done.push('DID document points to the new host')

    if (!status.activated) await step('activate the new host', () => neu.com.atproto.server.activateAccount())
    o.log('new host: active')
  } else {
    o.log('new host: already active with a valid DID document')
  }
  done.push('new host active')

  const oldStatus = (
    await step('checkAccountStatus at the old host', () => old.com.atproto.server.checkAccountStatus())
  ).data
  if (oldStatus.activated) {
    await step('deactivate the old host', () => old.com.atproto.server.deactivateAccount({}))
  }
  o.log('old host: deactivated')
}
