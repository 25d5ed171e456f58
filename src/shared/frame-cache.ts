import type { StoredFrame } from './event-frame'

/**
 * Recent frames by seq: on a shard, shared by its sockets so sockets at one
 * position cost one read; on the sequencer, what it hands shards with each
 * notification. Bounded by count and bytes; the frames added first go first (on the
 * sequencer those are the lowest seqs; on a shard, windows read for sockets that have
 * since moved on, not the window just read for the lowest socket).
 */
export class FrameCache {
  private readonly frames = new Map<number, Uint8Array>()
  private bytes = 0

  constructor(
    private readonly maxFrames = 2_000,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(seq: number): Uint8Array | undefined {
    return this.frames.get(seq)
  }

  has(seq: number): boolean {
    return this.frames.has(seq)
  }

  /** Frames in (after, head], or null when any of them is not cached. */
  range(after: number, head: number): StoredFrame[] | null {
    const out: StoredFrame[] = []
    for (let seq = after + 1; seq <= head; seq++) {
      const frame = this.frames.get(seq)
      if (!frame) return null
      out.push({ seq, frame })
    }
    return out
  }

  add(frames: StoredFrame[]): void {
    for (const f of frames) {
      if (this.frames.has(f.seq)) continue
      this.frames.set(f.seq, f.frame)
      this.bytes += f.frame.byteLength
    }
    this.evict()
  }

  private evict(): void {
    if (this.frames.size <= this.maxFrames && this.bytes <= this.maxBytes) return
    // A Map iterates in insertion order.
    for (const seq of this.frames.keys()) {
      if (this.frames.size <= this.maxFrames && this.bytes <= this.maxBytes) return
      this.bytes -= this.frames.get(seq)?.byteLength ?? 0
      this.frames.delete(seq)
    }
  }
}
