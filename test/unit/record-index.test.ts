import { MemoryRecordIndex } from '../../src/actors/repo/storage/memory-record-index'
import { describeRecordIndexContract } from '../contracts/record-index.case'

describeRecordIndexContract('MemoryRecordIndex', async (fn) => fn(new MemoryRecordIndex()))
