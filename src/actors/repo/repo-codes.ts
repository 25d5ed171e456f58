/** The expected failures of the repo actor's RPC methods. */
export type RepoCode =
  | 'InvalidRequest'
  | 'InvalidSwap'
  | 'RecordNotFound'
  | 'BlockNotFound'
  | 'AccountDeactivated'
  | 'RepoDeactivated'
  | 'UploadExpired'
