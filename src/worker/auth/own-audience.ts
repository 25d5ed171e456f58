import type { Config } from '../../shared/config'

/**
 * Whether `aud` names this PDS, the audience of the service JWTs it accepts: its service
 * DID, bare or with `#atproto_pds`. The Bluesky app derives the audience of its video
 * upload token from the PDS URL's hostname, without the port (`did:web:localhost` for
 * `http://localhost:2583`), so that form names this PDS too; on a deployed PDS, whose
 * host has no port, it is the same DID.
 */
export function isOwnAudience(config: Config, aud: string): boolean {
  const portless = `did:web:${config.hostname.replace(/:\d+$/, '')}`
  const own = [config.serviceDid, portless]
  return own.some((did) => aud === did || aud === `${did}#atproto_pds`)
}
