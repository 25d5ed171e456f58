/**
 * Says once, before the workerd suites run, which lines in their output are expected.
 * workerd prints them to stderr itself (outside vitest's console capture), so they cannot
 * be filtered per test.
 */
export default function announceExpectedNoise(): void {
  console.log(
    '[test] expected below: workerd lines such as "WebSocket peer disconnected", "Network connection lost" and ' +
      '"client disconnected" come from tests that cut sockets and request bodies on purpose; failures are reported by vitest.',
  )
}
