import { describe, expect, it } from 'vitest'
import { admitToMethod } from '../../src/worker/auth/method-policy'
import { appPassword, oauth, refusal } from './permission-fixtures'

describe('admitToMethod', () => {
  it('keeps OAuth off methods no permission covers, and lets every other credential through', () => {
    const token = oauth('atproto transition:generic transition:email')
    for (const nsid of [
      'com.atproto.server.createAppPassword',
      'com.atproto.server.listAppPasswords',
      'com.atproto.server.revokeAppPassword',
      'dev.edgepds.server.revokeAllSessions',
      'com.atproto.server.updateEmail',
      'com.atproto.server.someFutureMethod',
    ]) {
      expect(refusal(() => admitToMethod(nsid, token))).toEqual([
        403,
        'Forbidden',
        'OAuth credentials are not supported for this endpoint',
      ])
      expect(admitToMethod(nsid, appPassword(false))).toEqual(appPassword(false))
    }
    for (const nsid of [
      'com.atproto.server.getSession',
      'com.atproto.repo.createRecord',
      'com.atproto.repo.importRepo',
    ]) {
      expect(admitToMethod(nsid, token)).toBe(token)
    }
  })
})
