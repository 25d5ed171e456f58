// Types for wrangler-dev.mjs, which the TypeScript end-to-end suite imports.

export declare function wranglerDevCommand(opts: {
  port: number
  persistTo: string
  envFile?: string
  logRequests?: boolean
}): {
  args: string[]
  env: Record<string, string | undefined>
}

export declare function runWranglerDev(opts: {
  wranglerBin: string
  cwd: string
  port: number
  persistTo: string
  logRequests?: boolean
}): Promise<number>
