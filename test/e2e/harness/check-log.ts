/**
 * One summary line per check, so a run shows what it verified, not just that it passed.
 * Printed through the console, which vitest shows next to the test that logged it.
 */
export function reportCheck(check: string, detail: string): void {
  console.log(`[e2e] ${check}: ${detail}`)
}
