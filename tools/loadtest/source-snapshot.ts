import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'

/** What wrangler builds the worker from; `src/` imports nothing outside itself. */
const FILES = ['wrangler.toml', 'package.json', 'tsconfig.json']

/**
 * Copies the worker's source into `dir` (node_modules linked, not copied) for wrangler
 * dev to run from. wrangler dev rebuilds and restarts the server whenever a source file
 * changes, which drops every firehose socket; measuring a copy keeps a run's numbers about
 * one state of the code even while someone edits the working tree.
 */
export function snapshotSource(root: string, dir: string): string {
  mkdirSync(dir)
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true })
  for (const file of FILES) copyFileSync(join(root, file), join(dir, file))
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

/** "commit abc1234" plus "with uncommitted changes in src/" when so; "unknown" outside git. */
export function sourceVersion(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim()
    const commit = git('rev-parse', '--short', 'HEAD')
    const dirty = git('status', '--porcelain', '--', 'src', 'wrangler.toml') !== ''
    return `commit ${commit}${dirty ? ' with uncommitted changes in src/' : ''}`
  } catch {
    return 'unknown source version'
  }
}
