import { SqlOutbox } from '../src/actors/repo/outbox/sql-outbox'
import { describeOutboxContract } from './contracts/outbox.case'
import { inScratchRepo } from './helpers/scratch-repo'

// The genesis events are dropped; ids go on from theirs (the contract does not assume 1).
describeOutboxContract('SqlOutbox', (fn) =>
  inScratchRepo('outbox', async (sql) => {
    sql.exec('DELETE FROM outbox')
    sql.exec('UPDATE outbox_delivery SET delivered_through = 0')
    await fn(new SqlOutbox(sql))
  }),
)
