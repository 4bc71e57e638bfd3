// What the browser tests share: a real memberd on a free loopback port and
// a temporary data directory, Debian's Chromium driven by playwright-core,
// page errors collected, screenshots saved under MEMBERD_E2E_ARTIFACTS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const ADMIN = 'admin@memberd.local';
export const PASSWORD = 'console test password';

const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through ctest)`);
  return value;
};

// MaxMind's test databases (tests/data/geoip).
export const GEO_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../data/geoip');

// Starts memberd with `plugins` enabled and `sets` (more --set key=value);
// resolves to {base, stop, dir}.
export async function startDaemon(plugins, sets = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'memberd-e2e-'));
  const daemon = spawn(need('MEMBERD_BINARY'), [
    '--set', 'http.listen=127.0.0.1:0', '--set', `data_dir=${dir}`,
    '--set', `socket.path=${dir}/memberd.sock`, '--set', `database.url=sqlite:${dir}/memberd.db`,
    '--set', `plugins.dir=${need('MEMBERD_PLUGINS_DIR')}`, '--set', `plugins.enabled=[${plugins.join(',')}]`,
    '--set', 'passwords.argon2_memory_kib=8192', '--set', 'passwords.argon2_iterations=1',
    // No balancer checks a test's daemon: stop at once on SIGTERM.
    '--set', 'shutdown.lame_duck=0s',
    ...sets.flatMap((set) => ['--set', set]),
  ], { env: { ...process.env, MEMBERD_ADMIN_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  daemon.stdout.on('data', (d) => { output += d; });
  daemon.stderr.on('data', (d) => { output += d; });
  const stop = async () => {
    if (daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    const m = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) return { base: m[1], stop, dir };
    if (daemon.exitCode !== null) {
      await stop();
      throw new Error(`memberd exited:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`memberd did not start:\n${output}`);
}

// Chromium and one page at 1280x800 (in `timezoneId`, else the machine's). `errors` collects script errors and
// anything logged as an error except failed resources (401s and 422s are
// part of the flows; the browser logs each as one).
export async function openBrowser({ timezoneId } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, timezoneId });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return { browser, page, errors };
}

// Opens Account Settings and signs in as a member through the sign-in page.
export async function signInMember(page, base, email, password) {
  await page.goto(`${base}/account/`);
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(password);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: email }).waitFor();
}

// Joins a member through the API (as the join page would); resolves to
// their member_id, throws unless the daemon answered 201.
export async function joinMember(base, email, password) {
  const res = await fetch(`${base}/api/v1/members`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, email_confirm: email, password, password_confirm: password }) });
  if (res.status !== 201) throw new Error(`joining ${email}: HTTP ${res.status}`);
  return (await res.json()).member_id;
}

// Saves a full-page screenshot as <name>.png when artifacts are kept.
// Signs the bootstrap admin in to the console at `base` (resolves once
// the header names them).
export async function signInAdmin(page, base) {
  await page.goto(`${base}/console/`);
  await page.locator('#signin-email').fill(ADMIN);
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: ADMIN }).waitFor();
}

// Ends every session of the member signed in on `page`, as an admin would
// from the console (through the API), so that the page's next request
// meets a session that is gone.
export async function endMemberSessionsAsAdmin(page, base) {
  const memberId = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()).then((s) => s.member_id));
  const admin = await (await fetch(`${base}/api/v1/admin/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: ADMIN, password: PASSWORD }) })).json();
  const revoked = await fetch(`${base}/api/v1/admin/members/${memberId}/sessions`, { method: 'DELETE',
    headers: { Authorization: `Bearer ${admin.token}` } });
  assert.equal(revoked.status, 204);
}

// Waits (up to 5 s) until the focus is on the element whose id or
// data-testid is `name`, and fails naming where it is instead. Pages move
// the focus a moment after they draw (kit.js, drawAndFocus): reading it
// once, right after an element appears, races that.
export async function expectFocus(page, name) {
  const where = () => page.evaluate(() => {
    const e = document.activeElement;
    return e ? e.id || e.dataset?.testid || e.tagName : '';
  });
  try {
    await page.waitForFunction((want) => {
      const e = document.activeElement;
      return !!e && (e.id === want || e.dataset?.testid === want);
    }, name, { timeout: 5000 });
  } catch {
    assert.fail(`the focus is on "${await where()}", not on "${name}"`);
  }
}

// Presses Tab until the focus is on `name` (an id or data-testid), as a
// keyboard user would reach it, and fails after `most` presses: the field
// is then out of reach or out of order.
export async function tabTo(page, name, most = 25) {
  const at = () => page.evaluate((want) => {
    const e = document.activeElement;
    return !!e && (e.id === want || e.dataset?.testid === want);
  }, name);
  for (let i = 0; i < most; i++) {
    if (await at()) return;
    await page.keyboard.press('Tab');
  }
  if (!(await at())) assert.fail(`"${name}" was not reached in ${most} presses of Tab`);
}

export async function screenshot(page, name) {
  const artifacts = process.env.MEMBERD_E2E_ARTIFACTS;
  if (!artifacts) return;
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// The first link in a mail to `to` under `dir`/mail/ whose address has
// `marker` ("#/credentials/reset-password?token=") and is none of `skip`
// (links read before: a second mail's), waiting up to 10 s for the mail
// loop to write it. Resolves to the part from "/account/" on, for the
// test's own base URL.
export async function mailedLink(dir, to, marker, skip = []) {
  const mailDir = path.join(dir, 'mail');
  for (let i = 0; i < 200; i++) {
    if (existsSync(mailDir)) {
      for (const name of readdirSync(mailDir).filter((n) => n.endsWith('.eml'))) {
        const eml = readFileSync(path.join(mailDir, name), 'utf8');
        if (!eml.includes(`To: ${to}`)) continue;
        const at = eml.indexOf(marker);
        if (at < 0) continue;
        const start = eml.lastIndexOf('/account/', at);
        const end = eml.slice(at + marker.length).search(/[^A-Za-z0-9_-]/);
        const link = eml.slice(start, at + marker.length + end);
        if (!skip.includes(link)) return link;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${to} with ${marker}`);
}

// Screenshots the page as `name` at 1280 and 360 px wide (back at 1280
// after) and resolves to axe-core's serious findings at each width, as
// "<name> @<width>: rule: target" lines.
export async function checkBothWidths(page, name) {
  const problems = [];
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await screenshot(page, `${name}-${width}`);
    problems.push(...(await accessibilityProblems(page)).map((p) => `${name} @${width}: ${p}`));
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return problems;
}

// axe-core's findings on the current page that are serious or critical,
// as "rule: target" lines (an empty list passes). Evaluated through the
// DevTools protocol, so the page's CSP (no inline script) stays as it is.
// A page wider than the screen (it scrolls sideways) is reported too, as
// "wider than the screen: <element>" for the outermost elements that stick
// out (a table scrolling inside its own box does not count).
export async function accessibilityProblems(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`))
    .concat(await widerThanScreen(page));
}

async function widerThanScreen(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') +
      (e.dataset.testid ? `[data-testid=${e.dataset.testid}]` : '') +
      (typeof e.className === 'string' && e.className ? `.${e.className.trim().split(/\s+/).join('.')}` : '');
    const out = [];
    const sticksOut = (e) => e.getBoundingClientRect().right > root.clientWidth + 0.5;
    const inScrollBox = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const e of document.body.querySelectorAll('*')) {
      if (!sticksOut(e) || inScrollBox(e)) continue;
      if (e.parentElement && e.parentElement !== document.body && sticksOut(e.parentElement)) continue;
      out.push(`wider than the screen (${root.scrollWidth} px in ${root.clientWidth}): ${name(e)}`);
    }
    return out.length ? out.slice(0, 5) : [`wider than the screen (${root.scrollWidth} px in ${root.clientWidth})`];
  });
}
