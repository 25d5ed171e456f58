import type { AlarmDeadlines } from './alarm-deadlines'

/** Alarm deadlines in memory, for tests that run without workerd. */
export class MemoryAlarmDeadlines implements AlarmDeadlines {
  private readonly deadlines = new Map<string, number>()

  keepEarliest(purpose: string, at: number): void {
    this.deadlines.set(purpose, Math.min(at, this.deadlines.get(purpose) ?? at))
  }

  replace(purpose: string, at: number): void {
    this.deadlines.set(purpose, at)
  }

  remove(purpose: string): void {
    this.deadlines.delete(purpose)
  }

  get(purpose: string): number | null {
    return this.deadlines.get(purpose) ?? null
  }

  due(now: number): string[] {
    return [...this.deadlines].filter(([, at]) => at <= now).map(([purpose]) => purpose)
  }

  earliest(): number | null {
    return this.deadlines.size === 0 ? null : Math.min(...this.deadlines.values())
  }
}
