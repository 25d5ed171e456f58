/** The parts of a V8 CPU profile (`Profiler.stop`) the summary reads. */
export type CpuProfile = {
  nodes: {
    id: number
    children?: number[]
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  }[]
  samples: number[]
  timeDeltas: number[]
}

/** Where a bundled position came from: the original file and line (1-based), when known. */
export type Origin = { source: string; line: number } | null
export type Resolve = (url: string, line: number, column: number) => Origin

export type Row = { label: string; selfMs: number; share: number }
export type ProfileSummary = {
  busyMs: number
  idleMs: number
  functions: Row[]
  packages: Row[]
  /** Total (self plus callees) time of the project's own functions: where the time is spent from. */
  projectInclusive: Row[]
}

/** V8's pseudo-frames: idle time is not CPU spent; the others are. */
const IDLE = '(idle)'

/** `node_modules/@scope/name/...` → `@scope/name`; project files by their folder. */
export function packageOf(source: string): string {
  const parts = source.split('/')
  const i = parts.lastIndexOf('node_modules')
  if (i >= 0) {
    const first = parts[i + 1] ?? '?'
    return first.startsWith('@') ? `${first}/${parts[i + 2] ?? '?'}` : first
  }
  const src = parts.indexOf('src')
  if (src >= 0) return `(edge-pds) ${parts.slice(src, Math.min(parts.length - 1, src + 3)).join('/')}`
  return `(other) ${source}`
}

const shortSource = (source: string) => {
  const i = source.lastIndexOf('node_modules/')
  if (i >= 0) return source.slice(i + 'node_modules/'.length)
  const s = source.indexOf('src/')
  return s >= 0 ? source.slice(s) : source
}

/**
 * Self time by function and by package. A sample's time is its time delta (V8 records
 * the delta before each sample); `(idle)` is reported apart and left out of the shares.
 */
export function summarise(profile: CpuProfile, resolve: Resolve, top = 40): ProfileSummary {
  const self = new Map<number, number>()
  profile.samples.forEach((node, i) => {
    self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  let busyMs = 0
  let idleMs = 0
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    if (ms === 0) continue
    const f = node.callFrame
    if (f.functionName === IDLE) {
      idleMs += ms
      continue
    }
    busyMs += ms
    const origin = f.url ? resolve(f.url, f.lineNumber, f.columnNumber) : null
    const name = f.functionName || '(anonymous)'
    const where = origin ? `${shortSource(origin.source)}:${origin.line}` : f.url || 'native'
    const label = f.url ? `${name}  ${where}` : name
    const pkg = origin ? packageOf(origin.source) : f.url ? `(unmapped) ${f.url}` : name
    byFunction.set(label, (byFunction.get(label) ?? 0) + ms)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms)
  }
  const projectInclusive = inclusiveOfProject(profile, self, resolve)
  const rows = (m: Map<string, number>) =>
    [...m]
      .map(([label, selfMs]) => ({ label, selfMs, share: busyMs > 0 ? selfMs / busyMs : 0 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
  return {
    busyMs,
    idleMs,
    functions: rows(byFunction),
    packages: rows(byPackage),
    projectInclusive: rows(projectInclusive),
  }
}

/** Each project function's self time plus that of everything below it (counted once per stack). */
function inclusiveOfProject(profile: CpuProfile, self: Map<number, number>, resolve: Resolve) {
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const label = new Map<number, string | null>()
  for (const n of profile.nodes) {
    const f = n.callFrame
    const origin = f.url ? resolve(f.url, f.lineNumber, f.columnNumber) : null
    const isProject =
      origin !== null && !origin.source.includes('node_modules') && origin.source.includes('src/')
    label.set(
      n.id,
      isProject ? `${f.functionName || '(anonymous)'}  ${shortSource(origin.source)}:${origin.line}` : null,
    )
  }
  const out = new Map<string, number>()
  for (const n of profile.nodes) {
    const ms = self.get(n.id) ?? 0
    if (ms === 0 || n.callFrame.functionName === IDLE) continue
    const seen = new Set<string>()
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const l = label.get(id)
      if (l && !seen.has(l)) {
        seen.add(l)
        out.set(l, (out.get(l) ?? 0) + ms)
      }
    }
  }
  return out
}

/** The summary as text, times per write. */
export function renderSummary(s: ProfileSummary, writes: number): string {
  const table = (title: string, rows: Row[]) =>
    [
      `${title}`,
      '  ms/write   share  ',
      ...rows.map(
        (r) =>
          `  ${(r.selfMs / writes).toFixed(3).padStart(8)}  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.label}`,
      ),
    ].join('\n')
  return [
    `CPU in the profiled isolate: ${(s.busyMs / writes).toFixed(2)} ms/write busy (${writes} writes, ${s.busyMs.toFixed(0)} ms), idle ${s.idleMs.toFixed(0)} ms`,
    '',
    table('Self time by package', s.packages),
    '',
    table('Self time by function', s.functions),
    '',
    table('Total time (self and callees) of edge-pds functions', s.projectInclusive),
  ].join('\n')
}

/**
 * The profile with each frame pointing at its original file and line instead of wrangler's
 * bundle, so the saved `.cpuprofile` still reads after wrangler has deleted the bundle's map.
 */
export function withOriginalFrames(profile: CpuProfile, resolve: Resolve): CpuProfile {
  const nodes = profile.nodes.map((node) => {
    const f = node.callFrame
    const origin = f.url ? resolve(f.url, f.lineNumber, f.columnNumber) : null
    if (!origin) return node
    return { ...node, callFrame: { ...f, url: origin.source, lineNumber: origin.line - 1, columnNumber: 0 } }
  })
  return { ...profile, nodes }
}
