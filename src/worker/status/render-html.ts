import type { StatusView } from './gather'

/** The page's only style, inline: the CSP allows no other source. */
const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:1rem;color:#1b1b1f;background:#f6f6f8}
main{max-width:44rem;margin:0 auto}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.6rem .9rem;margin:0 0 .9rem}
h2{font-size:1rem;margin:.2rem 0 .5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.2rem .4rem .2rem 0;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:500;color:#555;width:42%}
tr.sub th,tr.sub td{font-size:.88em;padding-top:0}tr.sub th{padding-left:1rem}
td.n{font-variant-numeric:tabular-nums}
.ok{color:#17723b}.bad{color:#b3261e}
code{font-size:.85em}
footer{color:#666;font-size:.85rem;text-align:center}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}section{background:#1c1c1f;border-color:#333}th{color:#aaa}}
`

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A byte count people read: 1.2 MiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`
}

/** An ISO time as people read it: 2026-01-01 10:00:00 UTC. */
const utc = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')

/** A time as "3 min ago (2026-01-01 10:00:00 UTC)"; a dash when there is none. */
export function formatTime(iso: string | null, now: number): string {
  if (iso === null) return '—'
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  const ago =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.round(s / 60)} min`
        : s < 172800
          ? `${Math.round(s / 3600)} h`
          : `${Math.round(s / 86400)} d`
  return `${ago} ago (${utc(iso)})`
}

/** A time to come as "in 3 h (2026-01-01 10:00:00 UTC)"; one already passed as "now". */
export function formatDue(iso: string | null, now: number): string {
  if (iso === null) return '—'
  const s = Math.round((Date.parse(iso) - now) / 1000)
  if (s <= 0) return `now (${utc(iso)})`
  const inText = s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`
  return `in ${inText} (${utc(iso)})`
}

/** A table row; a `sub` row is a breakdown of the row above it. */
type Row = [label: string, value: string, numeric?: boolean, sub?: boolean]

const table = (rows: Row[]): string =>
  `<table>${rows
    .map(
      ([k, v, n, sub]) =>
        `<tr${sub ? ' class="sub"' : ''}><th>${escapeHtml(k)}</th><td${n ? ' class="n"' : ''}>${v}</td></tr>`,
    )
    .join('')}</table>`

const section = (title: string, body: string, id: string): string =>
  `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`

const num = (n: number): string => n.toLocaleString('en-US')

const plural = (n: number, word: string): string => `${num(n)} ${word}${n === 1 ? '' : 's'}`

const statusClass = (good: boolean): string => (good ? 'ok' : 'bad')

/** The status page, server-rendered: no script, no external asset. Every value is escaped. */
export function renderStatusHtml(v: StatusView, now = Date.now()): string {
  const e = escapeHtml
  const accountStatus = v.account.active ? 'active' : (v.account.status ?? 'inactive')
  const account = table([
    ['Handle', e(v.account.handle)],
    ['DID', `<code>${e(v.account.did)}</code>`],
    [
      'Status',
      `<span class="${statusClass(v.account.active)}" data-k="account-status">${e(accountStatus)}</span>`,
    ],
  ])
  const repo = table([
    ['Records', `<span data-k="records">${num(v.repo.records)}</span>`, true],
    ...v.repo.collections.map(
      (c): Row => [
        c.collection,
        `<span data-k="collection:${e(c.collection)}">${num(c.records)}</span>`,
        true,
        true,
      ],
    ),
    ['Blocks', `${num(v.repo.blocks)} (${formatBytes(v.repo.blockBytes)})`, true],
    ['Last commit', `<code>${e(v.repo.rev)}</code><br>${e(formatTime(v.repo.revTime, now))}`],
  ])
  const f = v.firehose
  const shardRows = f.shards.map((s): Row => {
    const parts = [plural(s.sockets, 'socket')]
    if (v.owner)
      parts.push(
        plural(s.clients ?? 0, 'client'),
        `${num(s.live ?? 0)} live`,
        `${num(s.backfill ?? 0)} replaying`,
      )
    if (s.cutOff) parts.push(`${num(s.cutOff)} cut off`)
    return [s.shard, parts.join(', '), true, true]
  })
  const firehose = table([
    ['Head seq', `<span data-k="head-seq">${num(f.head)}</span>`, true],
    [
      'Retained events',
      `<span data-k="retained-events">${num(f.retainedEvents)}</span> (${formatBytes(f.retainedBytes)})`,
      true,
    ],
    [
      'Oldest retained',
      f.oldestSeq === null ? '—' : `seq ${num(f.oldestSeq)}, ${e(formatTime(f.oldestAt, now))}`,
    ],
    ['Subscribers', `<span data-k="subscribers">${num(f.subscribers)}</span>`, true],
    ...shardRows,
    ['Cut off (too slow)', num(f.cutOff), true],
  ])
  const relays =
    v.relays.length === 0
      ? '<p>No relays configured (<code>RELAYS</code>).</p>'
      : v.relays
          .map((r) =>
            table([
              ['Relay', `<code>${e(r.relay)}</code>`],
              [
                'Host status',
                r.status === null
                  ? 'not asked yet'
                  : `<span class="${statusClass(r.status === 'active')}">${e(r.status)}</span>, ${e(formatTime(r.checkedAt, now))}`,
              ],
              ['Last requestCrawl', e(formatTime(r.lastCrawlAt, now))],
              ...(v.owner && r.detail ? [['Detail', e(r.detail)] as Row] : []),
            ]),
          )
          .join('')
  const blobs = table([
    ['Blobs', `<span data-k="blobs">${num(v.blobs.count)}</span> (${formatBytes(v.blobs.bytes)})`, true],
    ...(v.blobs.pending !== undefined ? [['Unreferenced uploads', num(v.blobs.pending), true] as Row] : []),
  ])
  const backups = renderBackups(v.backups, now)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${e(v.account.handle)} · PDS status</title>
<style>${STYLE}</style></head>
<body><main>
<h1>AT Protocol PDS for ${e(v.account.handle)}</h1>
${section('Account', account, 'account')}
${section('Repository', repo, 'repo')}
${section('Firehose', firehose, 'firehose')}
${section('Relays', relays, 'relays')}
${section('Blobs', blobs, 'blobs')}
${section('Backups', backups, 'backups')}
<footer>edge-pds ${e(v.version)} · ${v.owner ? "owner's view" : 'public view'} · ${e(formatTime(v.generatedAt, now))}<br>
API under <code>/xrpc/</code></footer>
</main></body></html>
`
}

/** The owner sees the schedule and each snapshot; the public view only whether it is on. */
function renderBackups(b: StatusView['backups'], now: number): string {
  const e = escapeHtml
  const on = `<span data-k="backups">${b.on ? 'on' : 'off'}</span>`
  if (b.snapshots === undefined || !b.on) return table([['Scheduled snapshots', on]])
  const every = b.everyHours ?? 0
  return table([
    ['Scheduled snapshots', `${on}, every ${plural(every, 'hour')}, the newest ${num(b.keep ?? 0)} kept`],
    ['Next', e(formatDue(b.next ?? null, now))],
    ...b.snapshots.map(
      (s): Row => [
        formatTime(s.time, now),
        `<code data-k="snapshot">${e(s.rev)}</code> (${formatBytes(s.size)})`,
        false,
        true,
      ],
    ),
    ...(b.snapshots.length === 0 ? [['Snapshots', 'none yet'] as Row] : []),
  ])
}
