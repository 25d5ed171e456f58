// `npx tsx tools/loadtest/render-report.ts DIR`: rewrites DIR/report.html from DIR/report.json,
// so a report can be re-rendered after the HTML changes without measuring again.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeReportFiles } from './report-files'
import type { Report } from './result-types'

const dir = process.argv[2]
if (!dir) {
  process.stderr.write('usage: tsx tools/loadtest/render-report.ts DIR (holding report.json)\n')
  process.exit(2)
}
const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report
const files = writeReportFiles(dir, report)
process.stdout.write(`${files.html}\n`)
