import { SqlRecordIndex } from '../src/actors/repo/storage/sql-record-index'
import { SqlRepoStorage } from '../src/actors/repo/storage/sql-repo-storage'
import { describeBlockStoreContract } from './contracts/block-store.case'
import { inScratchRepo } from './helpers/scratch-repo'

// The SQL block store, over a fresh repo actor's SQLite emptied of its genesis commit.
describeBlockStoreContract('SqlRepoStorage', (fn) =>
  inScratchRepo('block-store', async (sql) => {
    for (const table of ['blocks', 'repo_root', 'records']) sql.exec(`DELETE FROM ${table}`)
    await fn({ blocks: new SqlRepoStorage(sql), index: new SqlRecordIndex(sql) })
  }),
)
