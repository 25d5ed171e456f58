import { runInDurableObject } from 'cloudflare:test'
import { SqlEventLog } from '../src/actors/sequencer/sql-event-log'
import { describeEventLogContract } from './contracts/event-log.case'
import { scratchSequencerStub } from './helpers/actors'

// The SQL event log over a fresh sequencer instance's SQLite.
describeEventLogContract('SqlEventLog', async (clock, fn) => {
  const stub = scratchSequencerStub('log')
  await stub.info() // runs migrations
  await runInDurableObject(stub, (_actor, state) =>
    fn(new SqlEventLog(state.storage.sql, (f) => state.storage.transactionSync(f), clock)),
  )
})
