const DEFAULT_NAMES: Record<number, string> = {
  400: 'InvalidRequest',
  401: 'AuthenticationRequired',
  403: 'Forbidden',
  404: 'XRPCNotSupported',
  405: 'InvalidRequest',
  413: 'PayloadTooLarge',
  429: 'RateLimitExceeded',
  500: 'InternalServerError',
  501: 'MethodNotImplemented',
  502: 'UpstreamFailure',
  503: 'NotEnoughResources',
  504: 'UpstreamTimeout',
}

/** An error that renders itself as an XRPC error body: `{error, message}`. */
export class XRPCError extends Error {
  readonly status: number
  readonly error: string
  readonly headers: Record<string, string>

  constructor(status: number, error?: string, message?: string, headers: Record<string, string> = {}) {
    const name = error ?? DEFAULT_NAMES[status] ?? 'InternalServerError'
    super(message ?? name)
    this.status = status
    this.error = name
    this.headers = headers
  }

  toResponse(): Response {
    // A 500 never leaks internals.
    const message =
      this.status >= 500 && this.error === 'InternalServerError' ? 'Internal Server Error' : this.message
    return Response.json({ error: this.error, message }, { status: this.status, headers: this.headers })
  }
}

export const invalidRequest = (message: string, error = 'InvalidRequest'): XRPCError =>
  new XRPCError(400, error, message)
