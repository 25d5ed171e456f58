import { invalidRequest } from '../../shared/xrpc-error'
import type { XrpcMethods } from '../xrpc-context'

/**
 * This single-user PDS keeps no email address and sends no mail, so the email methods
 * answer 400 `InvalidRequest` with a sentence the app shows as it is. Not a 501: the
 * app reports 5xx answers as a server in trouble and invites a retry.
 */
const noEmail = {
  type: 'procedure' as const,
  auth: 'owner' as const,
  handler: async (): Promise<never> => {
    throw invalidRequest('Email is not available on this server: it keeps no email address and sends no mail')
  },
}

/** `com.atproto.server.{requestEmailUpdate,updateEmail,requestEmailConfirmation,confirmEmail}`. */
export const emailMethods: XrpcMethods = {
  'com.atproto.server.requestEmailUpdate': noEmail,
  'com.atproto.server.updateEmail': noEmail,
  'com.atproto.server.requestEmailConfirmation': noEmail,
  'com.atproto.server.confirmEmail': noEmail,
}
