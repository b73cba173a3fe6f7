/**
 * Polls `check` every `intervalMs` until it returns true, or throws after `timeoutMs` with
 * `description`, so a test never waits without bound.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  description: string,
  { timeoutMs = 10_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
