import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reportHtml } from './report-html'
import type { Report } from './result-types'

/** Writes `report.json` and the self-contained `report.html` into `dir`; returns their paths. */
export function writeReportFiles(dir: string, report: Report): { json: string; html: string } {
  mkdirSync(dir, { recursive: true })
  const json = join(dir, 'report.json')
  const html = join(dir, 'report.html')
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(html, reportHtml(report))
  return { json, html }
}
