#!/usr/bin/env node
// `npm run plc-token -- --url <PDS URL> [--identifier <handle or DID>] [--new]`
//
// Prints the PLC operation token that `com.atproto.identity.signPlcOperation` needs when
// moving the account to another PDS. The reference PDS emails it; this one sends no
// email, so the owner reads it here: the pending token, or a new one when none is
// pending (or with `--new`). Logs in with the main password (an app password may not
// sign PLC operations), from PDS_PASSWORD or a prompt that does not echo. Only the token
// goes to stdout; everything else to stderr.

import { parseArgs } from 'node:util'

const TOKEN_NSID = 'dev.edgepds.identity.getPlcOperationToken'

const fail = (message) => {
  process.stderr.write(`plc-token: ${message}\n`)
  process.exit(1)
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question) {
  const { stdin, stderr } = process
  if (!stdin.isTTY) fail('set PDS_PASSWORD, or run in a terminal to be asked for the password')
  stderr.write(question)
  return new Promise((resolve) => {
    let value = ''
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false)
          stdin.pause()
          stdin.off('data', onData)
          stderr.write('\n')
          return resolve(value)
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false)
          stderr.write('\n')
          process.exit(130)
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}

async function xrpc(base, nsid, { method = 'GET', token, body, query } = {}) {
  const url = new URL(`/xrpc/${nsid}`, base)
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v)
  const headers = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {}
  return { status: res.status, json }
}

const reason = (res) => `${res.status} ${res.json?.error ?? ''} ${res.json?.message ?? ''}`.trim()

async function main() {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, identifier: { type: 'string' }, new: { type: 'boolean' } },
  })
  if (!values.url) fail('usage: npm run plc-token -- --url <PDS URL> [--identifier <handle or DID>] [--new]')
  const base = values.url

  let identifier = values.identifier
  if (!identifier) {
    // A single-user PDS lists exactly one repo: the owner's.
    const repos = await xrpc(base, 'com.atproto.sync.listRepos', { query: { limit: '1' } })
    identifier = repos.json?.repos?.[0]?.did
    if (!identifier) fail(`could not find the owner's DID (listRepos: ${reason(repos)}); pass --identifier`)
  }
  const password = process.env.PDS_PASSWORD || (await promptHidden(`Password for ${identifier}: `))

  const session = await xrpc(base, 'com.atproto.server.createSession', {
    method: 'POST',
    body: { identifier, password },
  })
  if (session.status !== 200) fail(`login failed: ${reason(session)}`)
  const token = session.json.accessJwt

  let pending = values.new ? null : await xrpc(base, TOKEN_NSID, { token })
  if (pending?.status !== 200) {
    const requested = await xrpc(base, 'com.atproto.identity.requestPlcOperationSignature', {
      method: 'POST',
      token,
      body: {},
    })
    if (requested.status !== 200) fail(`requestPlcOperationSignature failed: ${reason(requested)}`)
    pending = await xrpc(base, TOKEN_NSID, { token })
    if (pending.status !== 200) fail(`${TOKEN_NSID} failed: ${reason(pending)}`)
  }
  process.stderr.write(`valid until ${pending.json.expiresAt}\n`)
  process.stdout.write(`${pending.json.token}\n`)
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)))
