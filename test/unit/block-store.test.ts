import { MemoryBlockStore } from '../../src/actors/repo/storage/memory-block-store'
import { MemoryRecordIndex } from '../../src/actors/repo/storage/memory-record-index'
import { describeBlockStoreContract } from '../contracts/block-store.case'

describeBlockStoreContract('MemoryBlockStore', async (fn) => {
  const index = new MemoryRecordIndex()
  await fn({ blocks: new MemoryBlockStore((cid) => index.namesCid(cid)), index })
})
