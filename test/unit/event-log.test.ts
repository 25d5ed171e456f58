import { MemoryEventLog } from '../../src/actors/sequencer/memory-event-log'
import { describeEventLogContract } from '../contracts/event-log.case'

describeEventLogContract('MemoryEventLog', async (clock, fn) => fn(new MemoryEventLog(clock)))
