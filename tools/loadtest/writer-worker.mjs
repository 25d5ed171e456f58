// Bootstrap of the writer thread: worker threads do not run the parent's `--import` of
// tsx's loader, so this registers it and then runs the TypeScript entry.
import { register } from 'tsx/esm/api'

register()
await import('./writer-worker.ts')
