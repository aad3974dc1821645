import type { WireMessage } from '../../src/simulator';
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

/**
 * Waits until `phone` shows a message its account's devices sent that `match` picks (its text, or a test);
 * resolves with it. A send resolves once the message is in the chat, before the servers have it.
 */
export function sentOnPhone(
  phone: { sentMessages(): WireMessage[] },
  match: string | ((m: WireMessage) => boolean),
  label: string,
  timeoutMs?: number,
): Promise<WireMessage> {
  const test = typeof match === 'string' ? (m: WireMessage) => m.body === match : match;
  return until(() => phone.sentMessages().find(test), label, timeoutMs);
}
