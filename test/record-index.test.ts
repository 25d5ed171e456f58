import { SqlRecordIndex } from '../src/actors/repo/storage/sql-record-index'
import { describeRecordIndexContract } from './contracts/record-index.case'
import { inScratchRepo } from './helpers/scratch-repo'

describeRecordIndexContract('SqlRecordIndex', (fn) =>
  inScratchRepo('record-index', async (sql) => {
    sql.exec('DELETE FROM records')
    await fn(new SqlRecordIndex(sql))
  }),
)
