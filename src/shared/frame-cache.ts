import type { StoredFrame } from './event-frame'

/**
 * Recent frames by seq: on a shard, shared by its sockets so sockets at one
 * position cost one read; on the sequencer, what it hands shards with each
 * notification. Its owner drops what no reader needs any more (`dropThrough`) as soon
 * as it knows; the count and byte caps only bound what lagging readers keep. Past a
 * cap the frames added first go first (on the sequencer those are the lowest seqs; on
 * a shard, windows read for sockets that have since moved on, not the window just read
 * for the lowest socket).
 */
export class FrameCache {
  private readonly frames = new Map<number, Uint8Array>()
  private bytes = 0
  /** No frame below this seq is held (frames may be added below it again: a replay). */
  private lowest = Number.POSITIVE_INFINITY

  constructor(
    private readonly maxFrames = 2_000,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  get(seq: number): Uint8Array | undefined {
    return this.frames.get(seq)
  }

  has(seq: number): boolean {
    return this.frames.has(seq)
  }

  /** How many frames it holds, and their bytes. */
  held(): { frames: number; bytes: number } {
    return { frames: this.frames.size, bytes: this.bytes }
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
      this.lowest = Math.min(this.lowest, f.seq)
      this.bytes += f.frame.byteLength
    }
    this.evict()
  }

  /** Drops every frame at or below `seq`: no reader will ask for them again. */
  dropThrough(seq: number): void {
    if (seq < this.lowest) return
    // Walk the seqs when they are fewer than the frames held, else the frames.
    if (seq - this.lowest < this.frames.size) {
      for (let s = this.lowest; s <= seq; s++) this.delete(s)
    } else {
      for (const s of this.frames.keys()) if (s <= seq) this.delete(s)
    }
    this.lowest = seq + 1
  }

  private delete(seq: number): void {
    const frame = this.frames.get(seq)
    if (!frame) return
    this.bytes -= frame.byteLength
    this.frames.delete(seq)
  }

  private evict(): void {
    if (this.frames.size <= this.maxFrames && this.bytes <= this.maxBytes) return
    // A Map iterates in insertion order.
    for (const seq of this.frames.keys()) {
      if (this.frames.size <= this.maxFrames && this.bytes <= this.maxBytes) return
      this.delete(seq)
    }
  }
}
