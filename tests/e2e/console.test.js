// The admin console in a real browser: Debian's Chromium, driven by
// playwright-core, against a real memberd started for this test on a free
// loopback port and a temporary data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ADMIN = 'admin@memberd.local';
const PASSWORD = 'console test password';
const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through ctest)`);
  return value;
};

let daemon, dir, base, browser, page;
const pageErrors = [];

async function startDaemon() {
  dir = mkdtempSync(path.join(tmpdir(), 'memberd-e2e-'));
  const log = path.join(dir, 'daemon.log');
  daemon = spawn(need('MEMBERD_BINARY'), [
    '--set', 'http.listen=127.0.0.1:0', '--set', `data_dir=${dir}`,
    '--set', `socket.path=${dir}/memberd.sock`, '--set', `database.url=sqlite:${dir}/memberd.db`,
    '--set', `plugins.dir=${need('MEMBERD_PLUGINS_DIR')}`, '--set', 'plugins.enabled=[hello]',
    '--set', 'passwords.argon2_memory_kib=8192', '--set', 'passwords.argon2_iterations=1',
  ], { env: { ...process.env, MEMBERD_ADMIN_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  daemon.stdout.on('data', (d) => { output += d; });
  daemon.stderr.on('data', (d) => { output += d; });
  for (let i = 0; i < 300; i++) {
    const m = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) return m[1];
    if (daemon.exitCode !== null) throw new Error(`memberd exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`memberd did not start:\n${output}`);
}

before(async () => {
  base = await startDaemon();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // 401s and 422s are part of the flows; the browser logs each as a failed
  // resource. Anything else logged as an error (a CSP violation, a script
  // error) fails the run.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
  });
});

after(async () => {
  const artifacts = process.env.MEMBERD_E2E_ARTIFACTS;
  if (artifacts && page) {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'console-last.png'), fullPage: true });
  }
  await browser?.close();
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('sign-in refuses a wrong password and accepts the admin', async () => {
  await page.goto(`${base}/console/`);
  await page.locator('#signin-email').fill(ADMIN);
  await page.locator('#signin-password').fill('not the password');
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=signin-message]').filter({ hasText: /wrong/i }).waitFor();

  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: ADMIN }).waitFor();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'memberd_session');
  assert.ok(session, 'session cookie set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
});

test('plugins are listed and a reload swaps the plugin', async () => {
  await page.locator('[data-testid=nav-plugins]').click();
  const row = page.locator('[data-testid=plugin-row][data-plugin=hello]');
  await row.waitFor();
  assert.match(await row.locator('[data-testid=plugin-state]').innerText(), /loaded/i);
  await row.locator('[data-testid=plugin-reload]').click();
  const result = row.locator('[data-testid=plugin-reload-result]');
  await result.filter({ hasText: /\S/ }).waitFor();
  assert.doesNotMatch(await result.innerText(), /fail|error/i);
});

test("a plugin's console panel is in the menu, renders its module, and survives a hot swap", async () => {
  const nav = page.locator('[data-testid=nav-plugin-hello-greetings]');
  await nav.waitFor();
  await nav.click();
  const panel = page.locator('[data-testid=plugin-panel][data-plugin=hello]');
  await panel.filter({ hasText: /hello \S+ greets with "Hello"/ }).waitFor();
  assert.equal(await nav.getAttribute('aria-current'), 'page');
  const artifacts = process.env.MEMBERD_E2E_ARTIFACTS;
  if (artifacts) {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'console-plugin-panel.png'), fullPage: true });
  }

  // Reload the plugin while its panel is open, then navigate: it still works.
  await page.locator('[data-testid=nav-plugins]').click();
  const row = page.locator('[data-testid=plugin-row][data-plugin=hello]');
  await row.locator('[data-testid=plugin-reload]').click();
  await row.locator('[data-testid=plugin-reload-result]').filter({ hasText: /\S/ }).waitFor();
  await nav.click();
  await panel.filter({ hasText: /greets with/ }).waitFor();

  // A panel no loaded plugin offers says so instead of failing silently.
  await page.goto(`${base}/console/#/plugin/nope/none`);
  await page.locator('[data-testid=panel-missing]').waitFor();
  await page.goto(`${base}/console/#/plugins`);
});

test('members: search, details with sessions, create with field errors', async () => {
  await page.locator('[data-testid=nav-members]').click();
  await page.locator('#member-q').fill('admin');
  await page.locator('#member-q').press('Enter');
  const row = page.locator('[data-testid=member-row]').first();
  await row.waitFor();
  assert.match(await row.innerText(), /admin@memberd\.local/);

  await page.locator('[data-testid=member-create] summary').click();
  await page.locator('#create-email').fill('not-an-email');
  await page.locator('#create-password').fill('short');
  await page.locator('#member-create-form button[type=submit]').click();
  await page.locator('[data-testid=create-email-error]').filter({ hasText: /\S/ }).waitFor();
  assert.match(await page.locator('[data-testid=create-password-error]').innerText(), /\S/);

  await page.locator('#create-email').fill('buyer@example.com');
  await page.locator('#create-password').fill('a long enough password');
  await page.locator('#member-create-form button[type=submit]').click();
  await page.locator('[data-testid=member-create-message]').filter({ hasText: /\S/ }).waitFor();

  await page.locator('#member-q').fill('buyer');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: 'buyer@example.com' }).waitFor();

  await page.locator('#member-q').fill('admin');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: ADMIN }).click();
  await page.locator('[data-testid=session-row]').first().waitFor();
});

test('signing out returns to the sign-in form and ends the session', async () => {
  await page.locator('[data-testid=signout]').click();
  await page.locator('#signin-form').waitFor();
  const res = await page.request.get(`${base}/api/v1/session`);
  assert.equal(res.status(), 401);
  assert.deepEqual(pageErrors, []);
});
