/**
 * One scenario, two clients: the unmodified whatsapp-web.js 1.34.7 proves the simulator, waweb with only
 * the import swapped proves waweb. A file calls `useBothClients` once and runs its scenarios with
 * `describe.each(LIBRARIES)`; `linked(library, number)` gives a ready client of that package for the
 * account `number`, typed as the scenario needs it (the calls both packages share).
 */
import { NoAuth } from '../../src/index';
import { ClientHarness } from './client';
import { useSimulatorHarnesses } from './use-simulator';
import { WwebjsHarness } from './wwebjs';

export const LIBRARIES = ['whatsapp-web.js', 'waweb'] as const;
export type Library = (typeof LIBRARIES)[number];

export function useBothClients(prefix: string) {
  const env = useSimulatorHarnesses(prefix, (sim, dir) => ({ wwebjs: new WwebjsHarness(sim, dir), waweb: new ClientHarness(sim, dir) }));
  return {
    get sim() {
      return env.sim;
    },
    /** A client of `library` linked to the phone `number` and ready. */
    async linked<T>(library: Library, number: string): Promise<T> {
      if (library === 'whatsapp-web.js') return env.wwebjs.linked<T>(number);
      const c = env.waweb.create({ scanAs: number, options: { authStrategy: new NoAuth() } });
      await c.client.initialize();
      await c.until('ready');
      return c.client as unknown as T;
    },
  };
}
