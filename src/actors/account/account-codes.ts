/** The expected failures of credential storage (sessions, app passwords). */
export type AccountCode = 'ExpiredToken' | 'InvalidRequest'
