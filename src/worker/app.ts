import { Hono } from 'hono'
import pkg from '../../package.json'
import { createLogger } from '../shared/logger'
import { XRPCError } from '../shared/xrpc-error'
import { didDocument, servesDidDocument } from './did-document'
import { authorizationFlow } from './oauth/flow'
import { oauthPages } from './oauth/pages'
import { registerOAuthRoutes } from './oauth/routes'
import { ownerConfig } from './owner-handle'
import { proxyXrpc } from './proxy/proxy-handler'
import { hardenXrpc, openCors } from './response-headers'
import { accountMethods } from './routes/account'
import { accountStatusMethods } from './routes/account-status'
import { appPasswordMethods } from './routes/app-passwords'
import { blobUploadMethods } from './routes/blob-upload'
import { blobMethods } from './routes/blobs'
import { createAccountMethods } from './routes/create-account'
import { emailMethods } from './routes/email'
import { identityHandleMethods } from './routes/identity-handle'
import { identityPlcMethods } from './routes/identity-plc'
import { identitySignMethods } from './routes/identity-sign'
import { importRepoMethods } from './routes/import-repo'
import { oauthGrantMethods } from './routes/oauth-grants'
import { preferenceMethods } from './routes/preferences'
import { pushMethods } from './routes/push'
import { repoReadMethods } from './routes/repo-read'
import { repoWriteMethods } from './routes/repo-write'
import { serverMethods } from './routes/server'
import { serviceAuthMethods } from './routes/service-auth'
import { sessionMethods } from './routes/session'
import { subscribeRepos } from './routes/subscribe-repos'
import { syncMethods } from './routes/sync'
import { statusPage } from './status/status-route'
import { createXrpcRouter } from './xrpc-router'

const log = createLogger('http')

// NSIDs without a local method go to the AppView/chat proxy (or 501 when there is no target).
const handleXrpc = createXrpcRouter(
  {
    ...serverMethods,
    ...repoReadMethods,
    ...repoWriteMethods,
    ...syncMethods,
    ...blobUploadMethods,
    ...blobMethods,
    ...sessionMethods,
    ...createAccountMethods,
    ...appPasswordMethods,
    ...serviceAuthMethods,
    ...preferenceMethods,
    ...accountMethods,
    ...accountStatusMethods,
    ...importRepoMethods,
    ...identityPlcMethods,
    ...identitySignMethods,
    ...identityHandleMethods,
    ...emailMethods,
    ...pushMethods,
    ...oauthGrantMethods,
  },
  proxyXrpc,
)

/** The Worker's HTTP surface: identity documents, the status page and XRPC. */
export const app = new Hono<{ Bindings: Env }>()

app.use('*', openCors)
app.use('/xrpc/*', hardenXrpc)

// The status page: the account, repo, firehose, relays and blobs at a glance (status/).
app.get('/', (c) => statusPage(c.req.raw, c.env))

// OAuth sign-in, consent and the authorized-apps page (oauth/pages/).
app.route('/oauth', oauthPages(authorizationFlow))

app.get('/.well-known/did.json', async (c) => {
  const config = await ownerConfig(c.env)
  if (!servesDidDocument(config))
    throw new XRPCError(404, 'NotFound', 'This host does not serve a did:web document')
  return c.json(await didDocument(config))
})

app.get('/.well-known/atproto-did', async (c) => {
  const config = await ownerConfig(c.env)
  const host = new URL(c.req.url).host.toLowerCase()
  // Answer for the owner's handle, and for the PDS host itself when it is the handle's host.
  if (host !== config.handle && host !== config.hostname) return c.text('User not found', 404)
  return c.text(config.did)
})

// OAuth: the metadata documents and the authorization server's endpoints (oauth/).
registerOAuthRoutes(app)

// One route for every /xrpc/ path: a static path beside `:nsid` makes Hono fall back from
// its RegExpRouter to the TrieRouter, whose search was the largest part of routing a write.
app.all('/xrpc/:nsid', (c) => {
  const nsid = c.req.param('nsid')
  // Health as the reference PDS answers it: the version, and no state touched.
  if (nsid === '_health' && (c.req.method === 'GET' || c.req.method === 'HEAD'))
    return c.json({ version: pkg.version })
  // The firehose is a WebSocket upgrade, not a JSON method: it bypasses the XRPC router.
  if (nsid === 'com.atproto.sync.subscribeRepos') return subscribeRepos(c.req.raw, c.env)
  return handleXrpc(c.req.raw, c.env, nsid)
})

app.notFound(() => new XRPCError(404, 'NotFound', 'Not Found').toResponse())

app.onError((e) => {
  if (e instanceof XRPCError) return e.toResponse()
  log.error('unhandled error', { error: String(e), stack: e instanceof Error ? e.stack : undefined })
  return new XRPCError(500).toResponse()
})
