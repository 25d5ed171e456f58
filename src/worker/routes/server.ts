import { invalidRequest } from '../../shared/xrpc-error'
import type { XrpcMethods } from '../xrpc-context'

/** `com.atproto.server.*` and `com.atproto.identity.*` methods this PDS answers itself. */
export const serverMethods: XrpcMethods = {
  'com.atproto.server.describeServer': {
    type: 'query',
    handler: async ({ config }) => {
      const { privacyPolicyUrl, termsOfServiceUrl, contactEmail } = config.server
      return {
        did: config.serviceDid,
        availableUserDomains: [],
        // Single-user: there is no account creation, so every invite is "required".
        inviteCodeRequired: true,
        phoneVerificationRequired: false,
        blobUploadLimit: config.blobUploadLimit,
        links: {
          ...(privacyPolicyUrl !== null && { privacyPolicy: privacyPolicyUrl }),
          ...(termsOfServiceUrl !== null && { termsOfService: termsOfServiceUrl }),
        },
        ...(contactEmail !== null && { contact: { email: contactEmail } }),
      }
    },
  },
  'com.atproto.identity.resolveHandle': {
    type: 'query',
    handler: async ({ params, config }) => {
      const handle = params.string('handle').toLowerCase()
      if (handle !== config.handle) throw invalidRequest('Unable to resolve handle', 'HandleNotFound')
      return { did: config.did }
    },
  },
}
