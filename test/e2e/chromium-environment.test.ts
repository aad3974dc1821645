/**
 * Issue 24, point 4: Chromium starts with a scrubbed environment. The secrets of the bot's process
 * (keys, the dashboard token, database URLs and passwords) are not in Chromium's own environment,
 * read from /proc/<pid>/environ; what it needs (HOME, PATH, locale) is.
 */
import { readFile } from 'node:fs/promises';
import { closeBrowser, launchBrowser } from '../../src/browser/launch';
import { tempDir } from '../helpers/tmp';

const SECRETS: Record<string, string> = {
  WAWEB_ENCRYPTION_KEYS: 'k1:c2VjcmV0LWtleS1tYXRlcmlhbC1mb3ItdGhlLXRlc3Q=',
  WAWEB_DASHBOARD_TOKEN: 'dashboard-token-for-the-test',
  WAWEB_STORE_URL: 'postgres://app:store-password@db/waweb',
  DATABASE_URL: 'postgres://app:database-password@db/waweb',
  PGPASSWORD: 'pg-password-for-the-test',
  MONGODB_URI: 'mongodb://app:mongo-password@db/waweb',
};

async function environOf(pid: number): Promise<Map<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  const out = new Map<string, string>();
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) out.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return out;
}

const linux = process.platform === 'linux' ? test : test.skip;

linux("Chromium's environment holds none of the process's secrets, and what it needs", async () => {
  const saved = Object.fromEntries([...Object.keys(SECRETS), 'TZ'].map((k) => [k, process.env[k]]));
  Object.assign(process.env, SECRETS, { TZ: 'Europe/Lisbon' });
  const profile = await tempDir('waweb-env-profile-');
  try {
    const launched = await launchBrowser({ userDataDir: profile.path });
    try {
      expect(launched.pid).toBeDefined();
      const env = await environOf(launched.pid as number);
      for (const name of Object.keys(SECRETS)) expect(env.has(name)).toBe(false);
      const all = [...env.values()].join('\n');
      for (const value of Object.values(SECRETS)) expect(all).not.toContain(value);
      expect(env.get('PATH')).toBe(process.env['PATH']);
      expect(env.get('TZ')).toBe('Europe/Lisbon');
      if (process.env['HOME'] !== undefined) expect(env.get('HOME')).toBe(process.env['HOME']);
    } finally {
      await closeBrowser(launched.browser, launched.pid);
    }
    // An environment the caller names is used as it is.
    const named = await launchBrowser({ userDataDir: profile.path, env: { ...process.env, WAWEB_EXTRA: 'asked-for' } });
    try {
      expect((await environOf(named.pid as number)).get('WAWEB_EXTRA')).toBe('asked-for');
    } finally {
      await closeBrowser(named.browser, named.pid);
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await profile.remove();
  }
});
