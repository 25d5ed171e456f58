/** Identity used by the workerd test pool. The key is a throwaway test key, not a deployment secret. */
export const TEST_BINDINGS = {
  PDS_HOSTNAME: 'pds.test',
  DID: 'did:web:pds.test',
  HANDLE: 'alice.pds.test',
  SIGNING_KEY: '772dde68bef4b8bad28d79664bcde0494ed1fede41652ae564645cfc842bc20f',
  PASSWORD: 'test-password',
  JWT_SECRET: 'test-jwt-secret-0123456789',
  AUTH_TOKEN: 'test-auth-token-0123456789abcdefghij',
  // No relays to notify from tests.
  RELAYS: '',
  PRIVACY_POLICY_URL: 'https://pds.test/privacy',
  TERMS_OF_SERVICE_URL: 'https://pds.test/terms',
  CONTACT_EMAIL: 'admin@pds.test',
}

/** The owner the tests act as: the test identity's DID, handle, host, key and token. */
export const OWNER = {
  did: TEST_BINDINGS.DID,
  handle: TEST_BINDINGS.HANDLE,
  hostname: TEST_BINDINGS.PDS_HOSTNAME,
  signingKeyHex: TEST_BINDINGS.SIGNING_KEY,
  authToken: TEST_BINDINGS.AUTH_TOKEN,
}
