/**
 * A monotonic clock in milliseconds, for local deadlines: it never jumps with the wall clock (NTP,
 * a changed time zone, a container resumed from a snapshot). On Linux it is CLOCK_MONOTONIC, the
 * same for every process of the machine, so a watchdog process can judge a deadline this process
 * computed.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
