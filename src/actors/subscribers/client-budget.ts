/** What a client's sockets may be sent: a rate and a burst above it. */
export type BudgetLimits = { bytesPerSec: number; burstBytes: number }

type Bucket = { credit: number; at: number }

/**
 * Token buckets per client: credit refills at `bytesPerSec` up to `burstBytes` and each
 * frame sent spends its size. A send is allowed while credit is positive, so credit can
 * go below zero by one frame; that debt is repaid before the next send.
 */
export class ClientBudgets {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly limits: BudgetLimits) {}

  /** Bytes `client` may still be sent at `now` (ms); ≤ 0 means wait. */
  credit(client: string, now: number): number {
    const b = this.bucket(client, now)
    b.credit = Math.min(this.limits.burstBytes, b.credit + ((now - b.at) * this.limits.bytesPerSec) / 1000)
    b.at = now
    return b.credit
  }

  spend(client: string, bytes: number, now: number): void {
    this.bucket(client, now).credit -= bytes
  }

  /** Drops the buckets of clients with no socket left (a full bucket is the default). */
  keepOnly(clients: Set<string>): void {
    for (const client of this.buckets.keys()) if (!clients.has(client)) this.buckets.delete(client)
  }

  private bucket(client: string, now: number): Bucket {
    let b = this.buckets.get(client)
    if (!b) {
      b = { credit: this.limits.burstBytes, at: now }
      this.buckets.set(client, b)
    }
    return b
  }
}
