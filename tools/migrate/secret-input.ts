import { createInterface } from 'node:readline'

/**
 * A secret from the environment, else asked for. On a terminal the answer is not echoed;
 * without one (a script or a test driving the command) one line is read from stdin, so the
 * PLC token can be handed over when it arrives. Never taken from argv, where `ps` shows it.
 */
export async function secret(envName: string, question: string): Promise<string> {
  const fromEnv = process.env[envName]
  if (fromEnv) return fromEnv
  const value = process.stdin.isTTY ? await hiddenPrompt(question) : await stdinLine(question)
  if (!value) throw new Error(`no ${question.replace(/:\s*$/, '')} given (set ${envName} to run unattended)`)
  return value
}

function stdinLine(question: string): Promise<string> {
  process.stderr.write(`${question}\n`)
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin })
    let answered = false
    rl.once('line', (line) => {
      answered = true
      rl.close()
      resolve(line.trim())
    })
    rl.once('close', () => {
      if (!answered) resolve('')
    })
  })
}

function hiddenPrompt(question: string): Promise<string> {
  const { stdin, stderr } = process
  stderr.write(question)
  return new Promise((resolve) => {
    let value = ''
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const done = (result: string) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      stderr.write('\n')
      resolve(result)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(value)
        if (ch === '\u0003') {
          done('')
          process.exit(130)
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}
