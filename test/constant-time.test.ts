import { describe, expect, it } from 'vitest'
import { constantTimeEqual } from '../src/worker/auth/constant-time'

const SECRET = 'correct-horse-battery-staple'

describe('constantTimeEqual', () => {
  it('accepts the secret itself, repeatedly (the cached bytes are not consumed)', () => {
    expect(constantTimeEqual(SECRET, SECRET)).toBe(true)
    expect(constantTimeEqual(`${SECRET}`, SECRET)).toBe(true)
  })

  it.each([
    ['one character changed', 'correct-horse-battery-stapla'],
    ['a prefix', 'correct-horse'],
    ['the secret and more', `${SECRET}x`],
    ['empty', ''],
    ['the same length in other characters', 'x'.repeat(SECRET.length)],
    ['the same characters, multi-byte', 'correct-horse-battery-stäple'],
  ])('refuses %s', (_, presented) => {
    expect(constantTimeEqual(presented, SECRET)).toBe(false)
  })
})
