/** A deterministic PRNG (an LCG) in [0, 1), so a randomized test replays the same sequence on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}
