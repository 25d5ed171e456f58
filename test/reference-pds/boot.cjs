// Runs the reference PDS (`@atproto/pds`) under Node 22 for the migration e2e test, configured
// by the usual PDS_* variables. Prints `READY <url> <service DID>` once it listens. The
// reference emails PLC operation tokens; here, as its own tests do, they are read from its
// account database: a stdin line `plc-token <did>` is answered `PLC-TOKEN <did> <token>`.
const { createInterface } = require('node:readline')
const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds')

async function main() {
  const env = readEnv()
  const pds = await PDS.create(envToCfg(env), envToSecrets(env))
  await pds.start()
  process.stdout.write(`READY ${pds.ctx.cfg.service.publicUrl} ${pds.ctx.cfg.service.did}\n`)
  const rl = createInterface({ input: process.stdin })
  rl.on('line', async (line) => {
    const [command, did] = line.trim().split(/\s+/)
    if (command !== 'plc-token' || !did) return
    const row = await pds.ctx.accountManager.db.db
      .selectFrom('email_token')
      .select('token')
      .where('did', '=', did)
      .where('purpose', '=', 'plc_operation')
      .executeTakeFirst()
    process.stdout.write(`PLC-TOKEN ${did} ${row?.token ?? 'none'}\n`)
  })
  rl.on('close', async () => {
    await pds.destroy()
    process.exit(0)
  })
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`)
  process.exit(1)
})
