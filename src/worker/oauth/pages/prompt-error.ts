/**
 * `prompt=none` that cannot be answered without the owner ends the request with
 * `login_required` or `consent_required` (OpenID Connect Core 3.1.2.6). The flow's `deny`
 * already ends it and builds the client's redirect (state, iss, query or fragment as the
 * request asked) with `access_denied`; this puts the precise error in its place.
 */
export function withError(redirectUrl: string, error: string, description: string): string {
  const url = new URL(redirectUrl)
  const inFragment = url.hash.length > 1 && !url.searchParams.has('error')
  const params = new URLSearchParams(inFragment ? url.hash.slice(1) : url.search)
  params.set('error', error)
  params.set('error_description', description)
  if (inFragment) url.hash = params.toString()
  else url.search = params.toString()
  return url.toString()
}
