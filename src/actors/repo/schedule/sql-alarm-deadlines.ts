import type { AlarmDeadlines } from './alarm-deadlines'

/** Alarm deadlines in Durable Object SQLite (`alarm_schedule`, migration 4). */
export class SqlAlarmDeadlines implements AlarmDeadlines {
  constructor(private readonly sql: SqlStorage) {}

  keepEarliest(purpose: string, at: number): void {
    this.sql.exec(
      'INSERT INTO alarm_schedule (purpose, due_at) VALUES (?, ?) ON CONFLICT (purpose) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)',
      purpose,
      at,
    )
  }

  replace(purpose: string, at: number): void {
    this.sql.exec(
      'INSERT INTO alarm_schedule (purpose, due_at) VALUES (?, ?) ON CONFLICT (purpose) DO UPDATE SET due_at = excluded.due_at',
      purpose,
      at,
    )
  }

  remove(purpose: string): void {
    this.sql.exec('DELETE FROM alarm_schedule WHERE purpose = ?', purpose)
  }

  get(purpose: string): number | null {
    const row = this.sql
      .exec<{ due_at: number }>('SELECT due_at FROM alarm_schedule WHERE purpose = ?', purpose)
      .toArray()[0]
    return row ? row.due_at : null
  }

  due(now: number): string[] {
    return this.sql
      .exec<{ purpose: string }>('SELECT purpose FROM alarm_schedule WHERE due_at <= ?', now)
      .toArray()
      .map((r) => r.purpose)
  }

  earliest(): number | null {
    return (
      this.sql.exec<{ next: number | null }>('SELECT MIN(due_at) AS next FROM alarm_schedule').toArray()[0]
        ?.next ?? null
    )
  }
}
