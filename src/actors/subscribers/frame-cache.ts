import type { StoredFrame } from '../sequencer/event-log'

/**
 * Recent frames by seq, shared by every socket on a shard, so sockets at the
 * same position cost one read from the sequencer. Bounded by count and bytes;
 * the lowest seqs go first.
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
    const seqs = [...this.frames.keys()].sort((a, b) => a - b)
    for (const seq of seqs) {
      if (this.frames.size <= this.maxFrames && this.bytes <= this.maxBytes) return
      this.bytes -= this.frames.get(seq)?.byteLength ?? 0
      this.frames.delete(seq)
    }
  }
}
