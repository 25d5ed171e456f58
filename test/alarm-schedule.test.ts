import { SqlAlarmDeadlines } from '../src/actors/repo/schedule/sql-alarm-deadlines'
import { describeAlarmScheduleContract } from './contracts/alarm-schedule.case'
import { inScratchRepo } from './helpers/scratch-repo'

// The schedule over `alarm_schedule` in a scratch repo actor's SQLite.
describeAlarmScheduleContract('SqlAlarmDeadlines', (fn) =>
  inScratchRepo('alarm-schedule', async (sql) => {
    sql.exec('DELETE FROM alarm_schedule')
    await fn(new SqlAlarmDeadlines(sql))
  }),
)
