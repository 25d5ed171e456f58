import { inject } from 'vitest'
import type { PdsIdentity } from './pds-identity'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PDS the global setup started (see `global-setup.ts`). */
    pds: PdsIdentity
  }
}

/** The identity and address of the PDS under test. */
export const pds = (): PdsIdentity => inject('pds')
