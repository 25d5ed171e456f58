import { b64url } from './derived-keys'

/** 16 random bytes, base64url: ids that cannot be guessed (`jti`s). */
export const randomId = (): string => b64url(crypto.getRandomValues(new Uint8Array(16)))
