import { DurableObject } from 'cloudflare:workers'
import { Secp256k1Keypair } from '@atproto/crypto'

const ROW_BYTES = 2048

/**
 * The sign-and-insert shape: what every write must do at the least (one secp256k1
 * signature, one durable SQLite row of about a commit's size), with nothing else.
 */
export class SignAndInsert extends DurableObject<object> {
  private readonly key = Secp256k1Keypair.create()
  private readonly payload = crypto.getRandomValues(new Uint8Array(ROW_BYTES))

  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env)
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, sig BLOB NOT NULL, body BLOB NOT NULL)',
    )
  }

  async signAndInsert(): Promise<number> {
    const key = await this.key
    const sig = await key.sign(crypto.getRandomValues(new Uint8Array(32)))
    this.ctx.storage.sql.exec('INSERT INTO rows (sig, body) VALUES (?, ?)', sig, this.payload)
    return Number(this.ctx.storage.sql.exec('SELECT last_insert_rowid() AS id').one().id)
  }
}
