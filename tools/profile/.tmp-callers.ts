import { readFileSync } from 'node:fs'
import { bundleResolver } from './source-maps'
const [file, app, pattern] = process.argv.slice(2)
const p = JSON.parse(readFileSync(file, 'utf8'))
const resolve = bundleResolver(app)
const parent = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const byId = new Map(p.nodes.map((n: any) => [n.id, n]))
const self = new Map<number, number>()
p.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + p.timeDeltas[i] / 1000))
const label = (n: any) => {
  const f = n.callFrame
  const o = f.url ? resolve(f.url, f.lineNumber, f.columnNumber) : null
  const src = o ? o.source.replace(/.*node_modules\//, '').replace(/.*\/src\//, 'src/') : f.url
  return `${f.functionName || '(anon)'} ${src}:${o?.line ?? ''}`
}
const agg = new Map<string, number>()
let total = 0
for (const [id, ms] of self) {
  const n: any = byId.get(id)
  if (!label(n).match(new RegExp(pattern))) continue
  total += ms
  // nearest ancestor in src/
  let cur = parent.get(id); const chain: string[] = []
  while (cur !== undefined) { const l = label(byId.get(cur)); if (l.includes(' src/')) { chain.push(l); if (chain.length >= 2) break } cur = parent.get(cur) }
  const k = chain.join(' <- ') || '?'
  agg.set(k, (agg.get(k) ?? 0) + ms)
}
console.log('total ms', total.toFixed(1))
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(1).padStart(8), k)
