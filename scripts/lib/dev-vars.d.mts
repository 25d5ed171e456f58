// Types for dev-vars.mjs, which the TypeScript end-to-end suite imports.

/** Local settings as written to a dotenv file. */
export type DevVars = Record<string, string>

export declare const DEFAULT_HANDLE: string
export declare function localHostname(port: number): string
export declare function localDid(port: number): string
export declare function generateDevVars(port: number): Promise<DevVars>
export declare function writeDevVars(path: string, vars: DevVars, header?: readonly string[]): void
export declare function readDevVars(path: string): DevVars
export declare function checkDevVars(vars: DevVars, port: number): string[]
