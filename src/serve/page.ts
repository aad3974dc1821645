/**
 * The dashboard page: hand-written HTML, CSS and script, no bundler. The script builds every row
 * with DOM calls and `textContent` (never `innerHTML`), so no text from a session reaches the page as
 * markup. It follows `/events` and posts to `/api/sessions/:id/...` with a JSON body.
 *
 * Hooks for tests and scripts: each row is `tr[data-session="<id>"]`, its cells `[data-field="..."]`
 * (the state cell also has `data-state`), a waiting session's QR `img[data-qr]`, the failed starts
 * in a row `[data-field="start-failures"]` inside the error cell, the browser's last meter sample
 * `[data-field="memory"]` (MiB of PSS) and `[data-field="cpu"]` (% of one core since the sample before).
 */

const STYLE = `
  :root { color-scheme: light; font: 14px/1.4 system-ui, sans-serif; color: #1c2a33; background: #f3f5f6; }
  body { margin: 0; padding: 20px 24px; }
  [hidden] { display: none !important; }
  header { display: flex; align-items: baseline; gap: 16px; margin-bottom: 12px; }
  h1 { font-size: 20px; margin: 0; }
  .muted { color: #667781; }
  [data-status].bad { color: #b3261e; }
  table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.12); }
  th, td { text-align: left; padding: 8px; border-bottom: 1px solid #e4e8ea; vertical-align: top; }
  th, td[data-field="worker"], td[data-field="saved"], td[data-field="memory"], td[data-field="cpu"] { white-space: nowrap; }
  th { font-weight: 600; font-size: 12px; text-transform: uppercase; color: #667781; }
  td[data-field="id"] { font-weight: 600; }
  .state { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e4e8ea; }
  .state[data-state="ready"] { background: #d9fdd3; color: #0b6b3a; }
  .state[data-state="qr"] { background: #fff4cc; color: #7a5b00; }
  .state[data-state="conflict"], .state[data-state="logged_out"], .state[data-state="failed"] { background: #fde2e1; color: #b3261e; }
  .state[data-state="restarting"] { background: #fff4cc; color: #7a5b00; }
  img[data-qr] { display: block; image-rendering: pixelated; margin-bottom: 6px; }
  form { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; max-width: 180px; }
  input { width: 120px; padding: 4px 6px; }
  button { padding: 4px 10px; cursor: pointer; white-space: nowrap; }
  [data-field="pairing-code"] { font: 600 16px monospace; letter-spacing: 2px; }
  [data-field="error"] { color: #b3261e; max-width: 220px; }
  .actions { display: flex; flex-direction: column; gap: 6px; }
  [data-message] { margin-top: 8px; min-height: 1.4em; }
`;

const SCRIPT = `
(() => {
  'use strict';
  const body = document.querySelector('tbody[data-sessions]');
  const status = document.querySelector('[data-status]');
  const message = document.querySelector('[data-message]');
  const worker = document.querySelector('[data-worker]');
  const rows = new Map();
  const FIELDS = ['id', 'state', 'worker', 'saved', 'generation', 'restarts', 'memory', 'cpu', 'error', 'login', 'actions'];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function when(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : '\\u2014';
  }
  function say(text, bad) {
    message.textContent = text;
    message.className = bad ? 'bad' : 'muted';
  }
  async function post(id, action, payload) {
    const res = await fetch('/api/sessions/' + encodeURIComponent(id) + '/' + action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload || {}),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error((data.error || res.statusText) + (data.code ? ' (' + data.code + ')' : '')), { code: data.code });
    return data;
  }

  function makeRow(id) {
    const tr = el('tr', { 'data-session': id });
    const cells = {};
    for (const field of FIELDS) tr.appendChild((cells[field] = el('td', { 'data-field': field })));
    cells.id.textContent = id;
    const badge = el('span', { class: 'state' });
    cells.state.appendChild(badge);
    const errorText = el('div');
    const failures = el('div', { 'data-field': 'start-failures', class: 'muted' });
    cells.error.append(errorText, failures);

    const qr = el('img', { 'data-qr': '', alt: 'QR code for ' + id });
    const form = el('form', { 'data-pair': '' });
    const phone = el('input', { name: 'phone', type: 'tel', placeholder: 'e.g. 15550001111', 'aria-label': 'phone number' });
    form.append(phone, el('button', { type: 'submit' }, 'Pair by code'));
    const code = el('div', { 'data-field': 'pairing-code' });
    cells.login.append(qr, form, code);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      say('asking for a pairing code for ' + id + '\\u2026');
      const shown = (data) => { code.textContent = data.code; say('type the code on the phone: Linked devices \\u2192 Link with phone number'); };
      const failed = (err) => say(id + ': ' + err.message, true);
      post(id, 'pairing-code', { phone: phone.value }).then(shown, (err) => {
        // The session already holds a login: a code for a linked number can revoke that device.
        if (err.code !== 'SESSION_EXISTS') return failed(err);
        if (!window.confirm(id + ' already holds a session. A pairing code for a number that is linked can unlink that device. Pair anyway?')) return failed(err);
        return post(id, 'pairing-code', { phone: phone.value, force: true }).then(shown, failed);
      });
    });

    const actions = el('div', { class: 'actions' });
    const restart = el('button', { type: 'button', 'data-action': 'restart' }, 'Restart');
    const logout = el('button', { type: 'button', 'data-action': 'logout' }, 'Logout');
    actions.append(restart, logout);
    cells.actions.appendChild(actions);
    restart.addEventListener('click', () => {
      post(id, 'restart').then(() => say(id + ': restarting'), (err) => say(id + ': ' + err.message, true));
    });
    logout.addEventListener('click', () => {
      if (!window.confirm('Log ' + id + ' out? Its backups are deleted and it needs a new QR.')) return;
      post(id, 'logout').then(() => say(id + ': logged out'), (err) => say(id + ': ' + err.message, true));
    });
    return { tr, cells, badge, errorText, failures, qr, form, code, actions };
  }

  function update(row, s) {
    row.badge.textContent = s.label;
    row.badge.setAttribute('data-state', s.state || 'elsewhere');
    row.cells.state.setAttribute('data-state', s.state || 'elsewhere');
    row.cells.state.title = s.since ? 'since ' + new Date(s.since).toLocaleString() : '';
    row.cells.worker.textContent = s.worker || '\\u2014';
    row.cells.saved.textContent = s.lastSave ? when(s.lastSave.at) : '\\u2014';
    row.cells.generation.textContent = s.lastSave ? String(s.lastSave.generation) : '\\u2014';
    row.cells.restarts.textContent = s.restarts === null ? '\\u2014' : String(s.restarts);
    const m = s.meter;
    row.cells.memory.textContent = m ? Math.round(m.pssBytes / 1048576) + ' MiB' : '\\u2014';
    row.cells.memory.title = m ? m.processes + ' processes, sampled ' + when(m.sampledAt) : '';
    row.cells.cpu.textContent = m && m.cpuPercent !== null ? m.cpuPercent.toFixed(1) + ' %' : '\\u2014';
    row.cells.cpu.title = m ? m.cpuSeconds.toFixed(1) + ' s of CPU since the browser started' : '';
    row.errorText.textContent = s.lastError ? s.lastError.code + ': ' + s.lastError.message : '';
    const failed = s.startFailures || 0;
    row.failures.textContent = failed === 0 ? '' :
      failed + (failed === 1 ? ' failed start' : ' failed starts in a row') +
      (s.state === 'failed' ? ', stopped until restarted' : s.nextStartAt ? ', next at ' + when(s.nextStartAt) : '');
    const waiting = s.state === 'qr';
    row.qr.hidden = !s.qrImage;
    if (s.qrImage && row.qr.getAttribute('src') !== s.qrImage) row.qr.setAttribute('src', s.qrImage);
    if (!s.qrImage) row.qr.removeAttribute('src');
    row.form.hidden = !waiting || !s.local;
    if (s.pairingCode) row.code.textContent = s.pairingCode;
    if (!waiting) row.code.textContent = '';
    row.actions.hidden = !s.local;
  }

  function render(view) {
    worker.textContent = 'worker ' + view.worker;
    const seen = new Set();
    for (const s of view.sessions) {
      seen.add(s.id);
      let row = rows.get(s.id);
      if (!row) rows.set(s.id, (row = makeRow(s.id)));
      update(row, s);
      body.appendChild(row.tr);
    }
    for (const [id, row] of rows) if (!seen.has(id)) { row.tr.remove(); rows.delete(id); }
    body.parentElement.hidden = view.sessions.length === 0;
    document.querySelector('[data-empty]').hidden = view.sessions.length > 0;
    if (view.leasesError) say('leases could not be read: ' + view.leasesError, true);
  }

  const source = new EventSource('/events');
  source.addEventListener('sessions', (event) => {
    status.textContent = 'live';
    status.className = 'muted';
    render(JSON.parse(event.data));
  });
  source.addEventListener('failure', (event) => say(JSON.parse(event.data).error, true));
  source.addEventListener('error', () => {
    status.textContent = 'disconnected, retrying\\u2026';
    status.className = 'bad';
  });
})();
`;

/** The page, with `nonce` on its style and script (the Content-Security-Policy allows only those). */
export function dashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>waweb sessions</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header><h1>waweb sessions</h1><span class="muted" data-worker></span><span class="muted" data-status>connecting\u2026</span></header>
<table hidden>
<thead><tr><th>Session</th><th>State</th><th>Worker</th><th>Last save</th><th>Generation</th><th>Restarts</th><th>Memory</th><th>CPU</th><th>Last error</th><th>Login</th><th></th></tr></thead>
<tbody data-sessions></tbody>
</table>
<p class="muted" data-empty hidden>No sessions.</p>
<div data-message class="muted"></div>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

/** The Content-Security-Policy for the page: its own style and script, data: images, fetches to itself. */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "connect-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
