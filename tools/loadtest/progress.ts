/** Where a run reports how far it is: a redrawn bar on a terminal, plain lines otherwise. */
export interface Progress {
  /** A new step (connecting, writing, draining…); always printed on its own line. */
  step(text: string): void
  /** How far the current step is: `done` of `total`, with a short detail. */
  update(done: number, total: number, detail: string): void
  /** Ends the current bar, if any. */
  end(): void
}

const BAR_WIDTH = 28
const REDRAW_MS = 100
/** Without a terminal, a line at most this often (plus one at the end of each step). */
const LINE_MS = 2_000

/** A progress bar redrawn in place on `stream` when it is a TTY, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true
  let label = ''
  let last = 0
  let drawn = false
  let pending: { done: number; total: number; detail: string } | null = null

  const render = ({ done, total, detail }: { done: number; total: number; detail: string }) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0
    if (!tty) return `${label}: ${done}/${total} ${detail}`
    const filled = Math.round(fraction * BAR_WIDTH)
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`
    const line = `${label} ${bar} ${done}/${total} ${detail}`
    return line.slice(0, Math.max(20, (stream.columns || 120) - 1))
  }
  const flush = () => {
    if (!pending) return
    if (tty) {
      stream.write(`\r\x1b[2K${render(pending)}`)
      drawn = true
    } else stream.write(`${render(pending)}\n`)
    pending = null
    last = Date.now()
  }
  const end = () => {
    flush()
    if (tty && drawn) stream.write('\n')
    drawn = false
    pending = null
  }

  return {
    step(text) {
      end()
      label = text
      stream.write(`${text}\n`)
    },
    update(done, total, detail) {
      pending = { done, total, detail }
      const interval = tty ? REDRAW_MS : LINE_MS
      if (Date.now() - last >= interval) flush()
    },
    end,
  }
}
