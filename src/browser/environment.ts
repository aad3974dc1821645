/**
 * The environment Chromium starts with. A bot's process holds secrets in its environment (store
 * URLs with passwords, `WAWEB_ENCRYPTION_KEYS`, the dashboard token, cloud keys); Chromium and every
 * page, extension or crash reporter it runs needs none of them. It gets what it needs to find its
 * libraries, fonts, display, locale, time zone and proxy, and nothing else.
 */

/** Variables Chromium reads, by exact (upper-cased) name. */
const KEEP_NAMES = new Set([
  // POSIX
  'HOME',
  'PATH',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'XAUTHORITY',
  'DBUS_SESSION_BUS_ADDRESS',
  'DBUS_SYSTEM_BUS_ADDRESS',
  'LD_LIBRARY_PATH',
  'CHROME_DEVEL_SANDBOX',
  'CHROME_LOG_FILE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'AUTO_PROXY',
  'SOCKS_PROXY',
  'SOCKS_SERVER',
  'SOCKS_VERSION',
  // macOS
  '__CF_USER_TEXT_ENCODING',
  // Windows
  'TMP',
  'TEMP',
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERNAME',
  'USERPROFILE',
  'USERDOMAIN',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'PROGRAMW6432',
  'COMMONPROGRAMFILES',
  'COMMONPROGRAMFILES(X86)',
  'COMMONPROGRAMW6432',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'OS',
]);

/** Variables Chromium reads, by (upper-cased) prefix: XDG folders, locale categories, fonts, GL drivers. */
const KEEP_PREFIXES = ['XDG_', 'LC_', 'FONTCONFIG_', 'MESA_', 'LIBGL_', 'GALLIUM_', '__GL', 'GTK_', 'GDK_', 'NSS_'];

/** Whether Chromium gets the variable `name` (case-insensitive: Windows names are). */
export function chromiumNeeds(name: string): boolean {
  const upper = name.toUpperCase();
  return KEEP_NAMES.has(upper) || KEEP_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** `env` without what Chromium does not need; values are kept as they are. */
export function chromiumEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && chromiumNeeds(name)) out[name] = value;
  }
  return out;
}
