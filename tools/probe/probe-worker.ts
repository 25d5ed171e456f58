// The platform probe: the same runtime, bindings and local `wrangler dev` as the PDS, doing
// the least a write could do, so the bench can say how close the PDS's createRecord is to
// what the platform allows on this machine in this run. Four shapes, one route each:
//   GET  /constant        the Worker answers a constant
//   POST /do              Worker → Durable Object, which answers a constant
//   POST /sign-insert     Worker → DO that signs 32 bytes (secp256k1) and inserts a 2 KB row
//   POST /repo-create     Worker → DO running a plain @atproto/repo create, which then
//                         hands the commit to a second DO (as the PDS hands events on)

import { DurableObject } from 'cloudflare:workers'
import { PlainRepo } from './plain-repo'
import { SignAndInsert } from './sign-and-insert'

export { PlainRepo, SignAndInsert }

type ProbeEnv = {
  SIGNER: DurableObjectNamespace<SignAndInsert>
  REPO: DurableObjectNamespace<PlainRepo>
  LOG: DurableObjectNamespace<EventSink>
}

/** The second DO of the repo shape: stores what it is handed, like a sequencer would. */
export class EventSink extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env)
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)')
  }

  append(body: Uint8Array): number {
    this.ctx.storage.sql.exec('INSERT INTO events (body) VALUES (?)', body)
    return Number(this.ctx.storage.sql.exec('SELECT last_insert_rowid() AS seq').one().seq)
  }

  ping(): string {
    return 'ok'
  }
}

export default {
  async fetch(req: Request, env: ProbeEnv): Promise<Response> {
    const path = new URL(req.url).pathname
    if (path === '/constant') return Response.json({ ok: true })
    if (path === '/do') return Response.json({ ok: await env.LOG.getByName('probe').ping() })
    if (path === '/sign-insert')
      return Response.json({ id: await env.SIGNER.getByName('probe').signAndInsert() })
    if (path === '/repo-create') return Response.json({ rev: await env.REPO.getByName('probe').create() })
    return new Response('not found', { status: 404 })
  },
} satisfies ExportedHandler<ProbeEnv>
