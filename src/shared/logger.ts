import type { LogFormat } from './config/logging'

/** A small structured logger per subsystem. Never pass tokens, passwords or keys to it. */
export type Logger = {
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

export type Subsystem = 'repo' | 'seq' | 'subs' | 'http' | 'config' | 'auth'

/**
 * The isolate's format: loggers are made at module load, before any setting can be read, so
 * whoever parses the settings first (the Worker, an actor opening) sets it. Until then: JSON,
 * the production form.
 */
let format: LogFormat = 'json'

/** Sets how every logger of this isolate writes its lines. */
export function setLogFormat(next: LogFormat): void {
  format = next
}

/** Field names whose values are never written, whatever a caller passes by mistake. */
const SECRET_FIELD = /token|password|secret|jwt|authorization|cookie|signingkey|privatekey/i

function redacted(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields ?? {})) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : v
  return out
}

/** `10:34:39.123 WARN  seq  relay check failed relay=https://x error="HTTP 502"` */
export function textLine(
  level: string,
  subsystem: string,
  msg: string,
  fields: Record<string, unknown>,
  now = new Date(),
): string {
  const time = now.toISOString().slice(11, 23)
  const rest = Object.entries(fields)
    .map(([k, v]) => {
      if (typeof v !== 'string') return `${k}=${JSON.stringify(v)}`
      return `${k}=${/^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`
    })
    .join(' ')
  return `${time} ${level.toUpperCase().padEnd(5)} ${subsystem.padEnd(6)} ${msg}${rest ? ` ${rest}` : ''}`
}

export function createLogger(subsystem: Subsystem): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const safe = redacted(fields)
    const line =
      format === 'text'
        ? textLine(level, subsystem, msg, safe)
        : JSON.stringify({ level, subsystem, msg, ...safe })
    if (level === 'error') console.error(line)
    else if (level === 'warn') console.warn(line)
    else console.log(line)
  }
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  }
}
