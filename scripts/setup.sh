#!/usr/bin/env bash
# Installs whatever the demo and the tests need and is missing:
#   - Debian packages: chromium-headless-shell (the default browser of every session),
#     chromium (visible browsers, and the tests and bench that compare both builds),
#     postgresql (store tests start a throwaway server from /usr/lib/postgresql/<version>/bin);
#   - npm packages, when node_modules is missing or older than package-lock.json.
# Builds nothing (page bundles are made by scripts/bundle.mjs in typecheck and jest's
# globalSetup). Runs before every `npm test`, so it is quiet and quick when nothing is
# missing: one line per action it takes, nothing otherwise. Never waits for input.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- Debian packages

is_exec() { [[ -n "$1" && -f "$1" && -x "$1" ]]; }

# Same order as src/browser/executable.ts: CHROME_PATH / PUPPETEER_EXECUTABLE_PATH,
# /usr/bin/chromium, then chromium / chromium-browser / google-chrome on PATH.
have_chromium() {
  local var
  for var in CHROME_PATH PUPPETEER_EXECUTABLE_PATH; do
    if [[ -n "${!var:-}" ]]; then
      is_exec "${!var}" && return 0
      die "$var=${!var} is not an executable file"
    fi
  done
  is_exec /usr/bin/chromium && return 0
  local name
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$name" >/dev/null 2>&1 && return 0
  done
  return 1
}

# Same rules as test/helpers/postgres.ts: a server named by the environment, PG_BIN, or
# initdb + pg_ctl under /usr/lib/postgresql/<version>/bin (plus the postgres OS user, which
# the helper runs the server as when the tests run as root).
have_postgres() {
  [[ -n "${PG_CONNECTION_STRING:-}" || -n "${DATABASE_URL:-}" ]] && return 0
  if [[ -n "${PG_BIN:-}" ]]; then
    is_exec "$PG_BIN/pg_ctl" && return 0
    die "PG_BIN=$PG_BIN does not contain pg_ctl"
  fi
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if is_exec "$dir/initdb" && is_exec "$dir/pg_ctl"; then
      [[ $EUID -ne 0 ]] && return 0
      id -u postgres >/dev/null 2>&1 && return 0
    fi
  done
  return 1
}

# The default build (WAWEB_CHROMIUM unset or auto) is the headless shell; a browser named by
# CHROME_PATH / PUPPETEER_EXECUTABLE_PATH, or WAWEB_CHROMIUM=full, does without it.
have_headless_shell() {
  [[ -n "${CHROME_PATH:-}" || -n "${PUPPETEER_EXECUTABLE_PATH:-}" || "${WAWEB_CHROMIUM:-}" == full ]] && return 0
  is_exec /usr/bin/chromium-headless-shell && return 0
  command -v chromium-headless-shell >/dev/null 2>&1
}

missing=()
have_chromium || missing+=(chromium)
have_headless_shell || missing+=(chromium-headless-shell)
have_postgres || missing+=(postgresql)

if ((${#missing[@]})); then
  command -v apt-get >/dev/null 2>&1 ||
    die "missing: ${missing[*]}; no apt-get here, install them with your package manager (or set CHROME_PATH / PG_BIN)"
  as_root=()
  if [[ $EUID -ne 0 ]]; then
    # Without a terminal (CI) sudo must not ask for a password: -n makes it fail instead.
    if command -v sudo >/dev/null 2>&1 && { [[ -t 0 ]] || sudo -n true 2>/dev/null; }; then
      if [[ -t 0 ]]; then as_root=(sudo); else as_root=(sudo -n); fi
    else
      die "missing Debian packages: ${missing[*]}. Run as root (or with sudo):
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
    fi
  fi
  apt_env=(env DEBIAN_FRONTEND=noninteractive)
  say "installing Debian packages: ${missing[*]} (apt-get)"
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! "${as_root[@]}" "${apt_env[@]}" apt-get update -q </dev/null >"$log" 2>&1 ||
     ! "${as_root[@]}" "${apt_env[@]}" apt-get install -y -q "${missing[@]}" </dev/null >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "apt-get could not install: ${missing[*]}"
  fi
  rm -f "$log"
  have_chromium || die "chromium was installed but no Chromium executable was found"
  have_headless_shell || die "chromium-headless-shell was installed but /usr/bin/chromium-headless-shell was not found"
  have_postgres || die "postgresql was installed but initdb/pg_ctl were not found under /usr/lib/postgresql/*/bin"
fi

# ---------------------------------------------------------------- npm packages

# npm writes node_modules/.package-lock.json on every install, after package-lock.json.
mtime() { stat -c %Y "$1" 2>/dev/null || echo 0; }
needs_npm=
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json ]]; then
  needs_npm="node_modules is missing"
elif (( $(mtime package-lock.json) > $(mtime node_modules/.package-lock.json) )); then
  needs_npm="package-lock.json is newer than node_modules"
fi

if [[ -n "$needs_npm" ]]; then
  # Chromium comes from Debian: puppeteer must not download one (.puppeteerrc.cjs says so
  # too), and no binary downloads at install time. Installs never ask questions.
  export PUPPETEER_SKIP_DOWNLOAD=1 MONGOMS_DISABLE_POSTINSTALL=1
  export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if [[ -f package-lock.json ]]; then
    say "installing npm packages ($needs_npm): npm ci"
    if ! npm ci --no-audit --no-fund </dev/null >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      die "npm ci failed (if package.json changed, run npm install and commit package-lock.json)"
    fi
  else
    say "installing npm packages (no package-lock.json): npm install"
    npm install --no-audit --no-fund </dev/null >"$log" 2>&1 || { tail -n 40 "$log" >&2; die "npm install failed"; }
  fi
  rm -f "$log"
  touch node_modules/.package-lock.json
  # esbuild bundles the page code; it needs its native binary, normally from the optional
  # dependency @esbuild/<platform> (install scripts may not run under npm's allowScripts).
  esbuild_ok() { node -e "require('esbuild').transformSync('let a = 1')" >/dev/null 2>&1; }
  if ! esbuild_ok; then
    say "esbuild does not run: npm rebuild esbuild"
    npm rebuild esbuild </dev/null >/dev/null 2>&1 || true
    esbuild_ok || die "esbuild does not work after install (try: rm -rf node_modules && npm ci)"
  fi
fi
