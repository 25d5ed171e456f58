import {
  AccountPermission,
  BlobPermission,
  IdentityPermission,
  IncludeScope,
  RepoPermission,
  RpcPermission,
} from '@atproto/oauth-scopes'

/**
 * The requested scope in plain words for the consent page and the authorized-apps list.
 * Only a description: what a token may actually do is decided by the permission checks.
 */

/** One line of the permission list. `broad` ones are shown as a warning. */
export type PermissionLine = { text: string; broad: boolean; scope: string }

/** What people call the records of the collections they meet most. */
const COLLECTION_NOUNS: Record<string, string> = {
  'app.bsky.feed.post': 'posts',
  'app.bsky.feed.like': 'likes',
  'app.bsky.feed.repost': 'reposts',
  'app.bsky.feed.threadgate': 'who can reply to your posts',
  'app.bsky.feed.postgate': 'who can quote your posts',
  'app.bsky.feed.generator': 'custom feeds',
  'app.bsky.graph.follow': 'follows',
  'app.bsky.graph.block': 'blocks',
  'app.bsky.graph.list': 'lists',
  'app.bsky.graph.listitem': 'list members',
  'app.bsky.graph.listblock': 'blocked lists',
  'app.bsky.graph.starterpack': 'starter packs',
  'app.bsky.actor.profile': 'your profile',
  'app.bsky.actor.status': 'your live status',
  'chat.bsky.actor.declaration': 'who can message you',
}

/** Services by the DID reference an `rpc:` permission names. */
const SERVICE_NAMES: Record<string, string> = {
  'did:web:api.bsky.app#bsky_appview': 'the Bluesky app view',
  'did:web:api.bsky.chat#bsky_chat': 'Bluesky chat',
  'did:web:video.bsky.app#bsky_video': 'the Bluesky video service',
}

const ACTION_VERBS = { create: 'create', update: 'update', delete: 'delete' } as const

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** `a`, `a and b`, `a, b and c`. */
export const listWords = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`

const collectionNoun = (c: string): string =>
  c === '*' ? 'records of every kind' : (COLLECTION_NOUNS[c] ?? `${c} records`)

const serviceName = (aud: string): string =>
  aud === '*' ? 'any service' : (SERVICE_NAMES[aud] ?? `the service ${aud}`)

const STATIC: Record<string, Omit<PermissionLine, 'scope'>> = {
  atproto: { text: 'Know your handle and DID', broad: false },
  'transition:generic': {
    text: 'Full access to your account like an app password: every record, uploads and services on your behalf',
    broad: true,
  },
  'transition:chat.bsky': { text: 'Read and send your Bluesky direct messages', broad: true },
  'transition:email': { text: 'See your email address', broad: false },
}

function repoLines(p: RepoPermission, scope: string): PermissionLine[] {
  const verbs = listWords(p.action.map((a) => ACTION_VERBS[a]))
  return p.collection.map((c) => ({
    text: `${capitalize(verbs)} ${collectionNoun(c)}`,
    broad: c === '*',
    scope,
  }))
}

function blobLine(p: BlobPermission, scope: string): PermissionLine {
  const kinds = p.accept.map((m) =>
    m === '*/*'
      ? 'files of any type'
      : m === 'image/*'
        ? 'images'
        : m === 'video/*'
          ? 'videos'
          : `${m} files`,
  )
  return { text: `Upload ${listWords(kinds)}`, broad: false, scope }
}

function rpcLine(p: RpcPermission, scope: string): PermissionLine {
  const service = serviceName(p.aud)
  const methods = p.lxm.includes('*') ? null : listWords(p.lxm)
  const text = methods ? `Call ${methods} on ${service} on your behalf` : `Call ${service} on your behalf`
  return { text, broad: p.aud === '*', scope }
}

function accountLine(p: AccountPermission, scope: string): PermissionLine {
  const manage = p.action.includes('manage')
  const text = {
    email: manage ? 'See and change your email address' : 'See your email address',
    repo: manage ? 'Import a whole repository into your account' : 'See your repository status',
    status: manage ? 'Deactivate or reactivate your account' : 'See whether your account is active',
  }[p.attr]
  return { text, broad: manage && p.attr !== 'email', scope }
}

function identityLine(p: IdentityPermission, scope: string): PermissionLine {
  return p.attr === 'handle'
    ? { text: 'Change your handle', broad: true, scope }
    : { text: 'Change your handle and your identity (DID document)', broad: true, scope }
}

/** The lines for one scope value; an unknown value is shown as it is, never hidden. */
export function describeScopeValue(scope: string): PermissionLine[] {
  const fixed = STATIC[scope]
  if (fixed) return [{ ...fixed, scope }]
  const repo = RepoPermission.fromString(scope)
  if (repo) return repoLines(repo, scope)
  const blob = BlobPermission.fromString(scope)
  if (blob) return [blobLine(blob, scope)]
  const rpc = RpcPermission.fromString(scope)
  if (rpc) return [rpcLine(rpc, scope)]
  const account = AccountPermission.fromString(scope)
  if (account) return [accountLine(account, scope)]
  const identity = IdentityPermission.fromString(scope)
  if (identity) return [identityLine(identity, scope)]
  const include = IncludeScope.fromString(scope)
  if (include) return [{ text: `The permission set ${include.nsid}`, broad: false, scope }]
  return [{ text: `A permission this server does not know: ${scope}`, broad: true, scope }]
}

/**
 * The whole scope (space-separated) as lines, broad ones first, duplicates merged.
 * `atproto` alone is the baseline every atproto client asks for, so it is listed last.
 */
export function describeScope(scope: string): PermissionLine[] {
  const seen = new Map<string, PermissionLine>()
  for (const value of scope.split(' ').filter(Boolean)) {
    for (const line of describeScopeValue(value)) if (!seen.has(line.text)) seen.set(line.text, line)
  }
  const lines = [...seen.values()]
  const rank = (l: PermissionLine) => (l.broad ? 0 : l.scope === 'atproto' ? 2 : 1)
  return lines.sort((a, b) => rank(a) - rank(b))
}
