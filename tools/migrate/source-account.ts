import { IdResolver } from '@atproto/identity'

/** The account being moved and where it lives now. */
export type SourceAccount = { did: string; oldPdsUrl: string }

const isUrl = (value: string) => /^https?:\/\//.test(value)

/**
 * Finds the account from `--from` (a PDS URL, or a handle or DID) and `--account` (a handle or
 * DID, needed when the URL is a PDS hosting several accounts). A handle resolves to its DID
 * (DNS TXT or the well-known file); the old PDS is the DID document's `#atproto_pds`, unless a
 * URL was given.
 */
export async function findSourceAccount(opts: {
  from: string
  account: string | null
  plcUrl: string
  fetch: typeof fetch
}): Promise<SourceAccount> {
  const resolver = new IdResolver({ plcUrl: opts.plcUrl })
  const fromUrl = isUrl(opts.from) ? opts.from.replace(/\/+$/, '') : null
  const name = opts.account ?? (fromUrl ? await onlyRepo(fromUrl, opts.fetch) : opts.from)
  const did = name.startsWith('did:') ? name : await resolver.handle.resolve(name)
  if (!did) throw new Error(`the handle ${name} does not resolve to a DID`)
  if (fromUrl) return { did, oldPdsUrl: fromUrl }
  const data = await resolver.did.resolveAtprotoData(did, true)
  return { did, oldPdsUrl: data.pds.replace(/\/+$/, '') }
}

/** A single-user PDS lists one repo: the owner's. Anything else needs `--account`. */
async function onlyRepo(pdsUrl: string, fetchFn: typeof fetch): Promise<string> {
  const res = await fetchFn(`${pdsUrl}/xrpc/com.atproto.sync.listRepos?limit=2`)
  if (!res.ok) throw new Error(`listRepos at ${pdsUrl}: HTTP ${res.status}; pass --account <handle or DID>`)
  const { repos } = (await res.json()) as { repos: { did: string }[] }
  if (repos.length !== 1 || !repos[0]) {
    throw new Error(
      `${pdsUrl} hosts ${repos.length === 0 ? 'no' : 'several'} accounts; pass --account <handle or DID>`,
    )
  }
  return repos[0].did
}
