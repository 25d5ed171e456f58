import { MemoryAlarmDeadlines } from '../../src/actors/repo/schedule/memory-alarm-deadlines'
import { describeAlarmScheduleContract } from '../contracts/alarm-schedule.case'

describeAlarmScheduleContract('MemoryAlarmDeadlines', async (fn) => fn(new MemoryAlarmDeadlines()))
