/** The Node 22 binary the reference PDS runs on. */
export const NODE22: string
/** Whether `@atproto/pds` and its better-sqlite3 build for Node 22 are in place. */
export function referencePdsInstalled(): boolean
/** Installs the reference PDS into test/reference-pds/node_modules unless it is there. */
export function installReferencePds(log?: (line: string) => void): void
