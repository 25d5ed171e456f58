import { invalidRequest } from '../shared/xrpc-error'

/** Typed access to XRPC query parameters, failing with 400 InvalidRequest. */
export class Params {
  constructor(private readonly search: URLSearchParams) {}

  string(name: string): string {
    const value = this.search.get(name)
    if (value === null || value === '') throw invalidRequest(`Error: Params must have the property "${name}"`)
    return value
  }

  optionalString(name: string): string | undefined {
    const value = this.search.get(name)
    return value === null || value === '' ? undefined : value
  }

  strings(name: string): string[] {
    return this.search.getAll(name)
  }

  integer(name: string, opts: { min: number; max: number; fallback: number }): number {
    const raw = this.search.get(name)
    if (raw === null || raw === '') return opts.fallback
    if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Error: ${name} must be an integer`)
    const value = Number(raw)
    if (value < opts.min) throw invalidRequest(`Error: ${name} can not be less than ${opts.min}`)
    if (value > opts.max) throw invalidRequest(`Error: ${name} can not be greater than ${opts.max}`)
    return value
  }

  boolean(name: string): boolean | undefined {
    const raw = this.search.get(name)
    if (raw === null || raw === '') return undefined
    if (raw === 'true') return true
    if (raw === 'false') return false
    throw invalidRequest(`Error: ${name} must be a boolean`)
  }
}
