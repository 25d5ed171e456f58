import { MemoryOutbox } from '../../src/actors/repo/outbox/memory-outbox'
import { describeOutboxContract } from '../contracts/outbox.case'

describeOutboxContract('MemoryOutbox', async (fn) => fn(new MemoryOutbox()))
