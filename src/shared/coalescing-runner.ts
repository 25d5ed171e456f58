/**
 * Runs `work` with at most one run in flight. A wake during a run makes it go
 * round once more when it ends, so work that arrived meanwhile is never missed
 * and bursts of wakes cost one extra round, not one each. `work` returns false
 * to stop without another round (for example after scheduling a retry).
 */
export class CoalescingRunner {
  private running: Promise<void> | null = null
  private again = false

  constructor(private readonly work: () => Promise<boolean>) {}

  /** Starts a run, or marks the current one to go again; resolves when it ends. */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.loop().finally(() => {
      this.running = null
    })
    return this.running
  }

  /** Resolves when the current run (if any) ends; starts nothing. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve()
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      if (!(await this.work())) return
    } while (this.again)
  }
}
