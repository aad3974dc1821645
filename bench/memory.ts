/**
 * Memory of the bench child's own Node process while an operation runs (a backup, a restore):
 * `process.memoryUsage()` on a timer, the baseline read right after a forced GC, and the kernel's
 * RSS high-water mark around it. See {@link BufferReport} for what "peak Buffer memory" is.
 */
import type { BufferReport, RssReport } from './protocol';

/** Every this many samples, one is read right after a forced GC (`BufferReport.peakRetained`). */
export const RETAINED_EVERY = 10;

export class MemorySampler {
  readonly #first: NodeJS.MemoryUsage;
  readonly #maxRssBefore: number;
  readonly #timer: NodeJS.Timeout;
  #sampledPeak: number;
  #peakTotal: number;
  #peakHeapUsed: number;
  #peakGrowth = 0;
  #peakExternalGrowth = 0;
  #peakArrayBuffersGrowth = 0;
  #peakRetained = 0;
  #samples = 0;

  /** Takes the baseline now (after `gc()` when Node runs with `--expose-gc`, as the children do). */
  constructor(periodMs: number) {
    (globalThis as { gc?: () => void }).gc?.();
    this.#first = process.memoryUsage();
    this.#maxRssBefore = process.resourceUsage().maxRSS * 1024;
    this.#sampledPeak = this.#first.rss;
    this.#peakTotal = this.#first.external + this.#first.arrayBuffers;
    this.#peakHeapUsed = this.#first.heapUsed;
    this.#timer = setInterval(() => this.sample(), periodMs);
    this.#timer.unref();
  }

  sample(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    const retained = gc !== undefined && this.#samples % RETAINED_EVERY === RETAINED_EVERY - 1;
    if (retained) gc();
    const m = process.memoryUsage();
    this.#samples++;
    this.#sampledPeak = Math.max(this.#sampledPeak, m.rss);
    this.#peakTotal = Math.max(this.#peakTotal, m.external + m.arrayBuffers);
    this.#peakHeapUsed = Math.max(this.#peakHeapUsed, m.heapUsed);
    const external = m.external - this.#first.external;
    const arrayBuffers = m.arrayBuffers - this.#first.arrayBuffers;
    this.#peakExternalGrowth = Math.max(this.#peakExternalGrowth, external);
    this.#peakArrayBuffersGrowth = Math.max(this.#peakArrayBuffersGrowth, arrayBuffers);
    this.#peakGrowth = Math.max(this.#peakGrowth, external, arrayBuffers);
    if (retained) this.#peakRetained = Math.max(this.#peakRetained, external, arrayBuffers);
  }

  /** The Buffer memory so far (one more sample first); the sampling goes on. */
  buffers(): BufferReport {
    this.sample();
    return {
      baselineExternal: this.#first.external,
      baselineArrayBuffers: this.#first.arrayBuffers,
      peak: this.#peakGrowth,
      peakExternal: this.#peakExternalGrowth,
      peakArrayBuffers: this.#peakArrayBuffersGrowth,
      peakRetained: this.#peakRetained,
      samples: this.#samples,
    };
  }

  /** Stops sampling: RSS and Buffer memory over the whole operation. */
  stop(): RssReport {
    clearInterval(this.#timer);
    const buffers = this.buffers();
    const maxRssAfter = process.resourceUsage().maxRSS * 1024;
    return {
      baseline: this.#first.rss,
      sampledPeak: this.#sampledPeak,
      maxRssBefore: this.#maxRssBefore,
      maxRssAfter,
      // The kernel's high-water mark is exact (and catches peaks between samples) when it rose meanwhile.
      peak: maxRssAfter > this.#maxRssBefore ? Math.max(maxRssAfter, this.#sampledPeak) : this.#sampledPeak,
      samples: this.#samples,
      peakExternal: this.#peakTotal,
      peakHeapUsed: this.#peakHeapUsed,
      buffers,
    };
  }
}
