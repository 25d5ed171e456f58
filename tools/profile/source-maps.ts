import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SourceMapConsumer } from 'source-map-js'
import type { Origin, Resolve } from './profile-summary'

/**
 * The `.map` of a script the inspector names `url`: next to it when the URL is a path, else
 * in wrangler dev's build folders under `appDir` (`.wrangler/tmp/dev-*`), where the bundle
 * it reports as plain `index.js` lives.
 */
function mapPathFor(url: string, appDir: string): string | null {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  if (existsSync(`${path}.map`)) return `${path}.map`
  const tmp = join(appDir, '.wrangler', 'tmp')
  if (!existsSync(tmp)) return null
  for (const build of readdirSync(tmp)) {
    const candidate = join(tmp, build, `${basename(path)}.map`)
    if (existsSync(candidate)) return candidate
  }
  return null
}

/**
 * Maps positions in wrangler's bundle back to the original files through the bundle's
 * source map. Positions are 0-based, as CDP gives them. Read the maps before wrangler exits.
 */
export function bundleResolver(appDir: string): Resolve {
  const consumers = new Map<string, SourceMapConsumer | null>()
  const consumerFor = (url: string): SourceMapConsumer | null => {
    if (consumers.has(url)) return consumers.get(url) ?? null
    let consumer: SourceMapConsumer | null = null
    try {
      const map = mapPathFor(url, appDir)
      if (map) consumer = new SourceMapConsumer(JSON.parse(readFileSync(map, 'utf8')))
    } catch {
      consumer = null
    }
    consumers.set(url, consumer)
    return consumer
  }
  return (url, line, column): Origin => {
    const consumer = consumerFor(url)
    if (!consumer) return null
    const pos = consumer.originalPositionFor({ line: line + 1, column })
    return pos.source ? { source: pos.source, line: pos.line ?? 0 } : null
  }
}
