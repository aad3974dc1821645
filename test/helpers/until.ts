/**
 * Test-side polling for outcomes no event announces (what a simulated phone saw, a state a call
 * leaves): resolves with the first defined value `what` gives, or rejects naming `label` after
 * `timeoutMs`. A wait for a condition, never a fixed sleep.
 */
export async function until<T>(what: () => Promise<T | undefined> | T | undefined, label: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${label} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `until` for a condition: resolves once `check` holds. */
export async function untilTrue(check: () => Promise<boolean> | boolean, label: string, timeoutMs = 10_000): Promise<void> {
  await until(async () => ((await check()) ? true : undefined), label, timeoutMs);
}
