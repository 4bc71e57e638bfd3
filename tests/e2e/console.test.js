// The admin console in a real browser: Debian's Chromium, driven by
// playwright-core, against a real memberd started for this test on a free
// loopback port and a temporary data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, PASSWORD, checkBothWidths, joinMember, openBrowser, screenshot, startDaemon, expectFocus, tabTo } from './harness.js';

let daemon, base, browser, page, pageErrors;

// axe-core on each console page the tests show, at 1280 and 360 px, with
// a screenshot of each.
const a11y = [];
async function checkPage(name) {
  a11y.push(...(await checkBothWidths(page, name)));
}

// A member (joined now when `join`) sends `text` as the motto to approve.
async function sendMotto(email, text, { join = false } = {}) {
  const password = 'a long and private phrase';
  if (join) await joinMember(base, email, password);
  const signIn = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }) });
  const { token } = await signIn.json();
  const put = await fetch(`${base}/api/v1/hello/motto`, { method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }) });
  assert.equal(put.status, 202);
}

before(async () => {
  daemon = await startDaemon(['hello', 'credentials']);
  base = daemon.base;
  // Beijing time, as the seed's example: times show as GMT and GMT+8.
  ({ browser, page, errors: pageErrors } = await openBrowser({ timezoneId: 'Asia/Shanghai' }));
});

after(async () => {
  if (page) await screenshot(page, 'console-last');
  await browser?.close();
  await daemon?.stop();
});

test('sign-in refuses a wrong password and accepts the admin', async () => {
  await page.goto(`${base}/console/`);
  await page.locator('#signin-form').waitFor();
  await checkPage('console-sign-in');
  await page.locator('#signin-email').fill(ADMIN);
  await page.locator('#signin-password').fill('not the password');
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=signin-message]').filter({ hasText: /wrong/i }).waitFor();

  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: ADMIN }).waitFor();
  // The console opens on what waits for a decision.
  await page.locator('h1').filter({ hasText: 'Reviews' }).waitFor();
  assert.equal(await page.locator('[data-testid=nav-reviews]').getAttribute('aria-current'), 'page');
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
  await checkPage('console-plugins');
  await row.locator('[data-testid=plugin-reload]').click();
  const result = row.locator('[data-testid=plugin-reload-result]');
  await result.filter({ hasText: /\S/ }).waitFor();
  assert.doesNotMatch(await result.innerText(), /fail|error/i);
});

test('the cluster page lists this daemon, alive and leading', async () => {
  await page.locator('[data-testid=nav-cluster]').click();
  const row = page.locator('[data-testid=cluster-row]');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);  // one daemon on its own SQLite file
  assert.match(await row.innerText(), /this one/);
  assert.equal((await row.locator('[data-testid=cluster-alive]').innerText()).trim(), 'alive');
  assert.equal((await row.locator('[data-testid=cluster-leader]').innerText()).trim(), 'leader');
  assert.match(await row.innerText(), /hello/);
  assert.equal(await page.locator('[data-testid=cluster-differ]').isHidden(), true);
  await page.locator('[data-testid=nav-cluster][aria-current=page]').waitFor();
  await checkPage('console-cluster');
  // The reload on Plugins just before ends by redrawing the menu: it marks
  // the page shown now, not Plugins.
  assert.equal(await page.locator('[data-testid=nav-cluster]').getAttribute('aria-current'), 'page');
  assert.equal(await page.locator('[data-testid=nav-plugins]').getAttribute('aria-current'), null);
});

test('the cluster page reloads and unloads a plugin on every daemon, from the keyboard, and shows the outcome', async () => {
  await page.locator('[data-testid=nav-cluster]').click();
  const hello = page.locator('[data-testid=cluster-plugin-row][data-plugin=hello]');
  await hello.waitFor();
  assert.match(await hello.locator('[data-testid=cluster-plugin-served]').innerText(), /loaded on 1 of 1 daemon/);
  assert.match(await hello.locator('[data-testid=cluster-request]').innerText(), /Nothing asked yet/);

  // Reload, from the keyboard: the outcome shows beside the button once
  // the daemons applied it, and the focus stays on the button.
  await hello.locator('[data-testid=cluster-plugin-reload]').focus();
  await page.keyboard.press('Enter');
  await hello.locator('[data-testid=cluster-request][data-state=done]').filter({ hasText: 'Reloaded on 1 of 1 daemon' }).waitFor();
  await hello.locator('[data-testid=cluster-plugin-outcome]').filter({ hasText: 'Reloaded on 1 of 1 daemon.' }).waitFor();
  await expectFocus(page, 'cluster-plugin-reload');
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr').dataset.plugin), 'hello');

  // Unload, asked first: the question takes the focus; yes takes hello's
  // panel out of the menu on every daemon.
  await tabTo(page, 'cluster-plugin-unload');
  await page.keyboard.press('Enter');
  await hello.locator('[data-testid=cluster-unload-confirm-question]').filter({ hasText: /Unload hello on every daemon\?/ }).waitFor();
  await expectFocus(page, 'cluster-unload-confirm-question');
  await tabTo(page, 'cluster-unload-confirm-yes');
  await page.keyboard.press('Enter');
  await hello.locator('[data-testid=cluster-request][data-state=done]').filter({ hasText: 'Unloaded on 1 of 1 daemon' }).waitFor();
  await hello.locator('[data-testid=cluster-plugin-served]').filter({ hasText: 'unloaded on 1 of 1 daemon' }).waitFor();
  await page.locator('[data-testid=nav-plugin-hello-greetings]').waitFor({ state: 'detached' });
  await expectFocus(page, 'cluster-plugin-unload');
  await checkPage('console-cluster-requests');

  // The session ends before the next click: sign-in, then back on this
  // page with nothing asked in between.
  await page.context().clearCookies();
  await hello.locator('[data-testid=cluster-plugin-reload]').click();
  await page.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
  await expectFocus(page, 'signin-email');
  await page.locator('#signin-email').fill(ADMIN);
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('h1').filter({ hasText: 'Cluster' }).waitFor();
  await hello.locator('[data-testid=cluster-request]').filter({ hasText: 'Unloaded on 1 of 1 daemon' }).waitFor();

  // Back in service everywhere, its panel in the menu again.
  await hello.locator('[data-testid=cluster-plugin-reload]').click();
  await hello.locator('[data-testid=cluster-plugin-outcome]').filter({ hasText: 'Reloaded on 1 of 1 daemon.' }).waitFor();
  await page.locator('[data-testid=nav-plugin-hello-greetings]').waitFor();
});

test("a plugin's console panel is in the menu, renders its module, and survives a hot swap", async () => {
  const nav = page.locator('[data-testid=nav-plugin-hello-greetings]');
  await nav.waitFor();
  await nav.click();
  const panel = page.locator('[data-testid=plugin-panel][data-plugin=hello]');
  await panel.filter({ hasText: /hello \S+ greets with "Hello"/ }).waitFor();
  assert.equal(await nav.getAttribute('aria-current'), 'page');
  await checkPage('console-plugin-panel');

  // Reload the plugin while its panel is open, then navigate: it still works.
  await page.locator('[data-testid=nav-plugins]').click();
  const row = page.locator('[data-testid=plugin-row][data-plugin=hello]');
  await row.locator('[data-testid=plugin-reload]').click();
  await row.locator('[data-testid=plugin-reload-result]').filter({ hasText: /\S/ }).waitFor();
  await nav.click();
  await panel.filter({ hasText: /greets with/ }).waitFor();

  // Unloaded, its panel leaves the menu at once; Load brings it back.
  await page.locator('[data-testid=nav-plugins]').click();
  await row.locator('[data-testid=plugin-unload]').click();
  // Asked first, naming what goes out of service.
  await row.locator('[data-testid=unload-confirm-question]').filter({ hasText: /Unload hello\? Its pages/ }).waitFor();
  await expectFocus(page, 'unload-confirm-question');
  await row.locator('[data-testid=unload-confirm-yes]').click();
  await row.locator('[data-testid=plugin-state]').filter({ hasText: 'unloaded' }).waitFor();
  await nav.waitFor({ state: 'detached' });
  assert.equal(await row.locator('[data-testid=plugin-unload]').isHidden(), true);
  assert.equal(await row.locator('[data-testid=plugin-reload]').innerText(), 'Load');
  await checkPage('console-plugin-unloaded');
  await row.locator('[data-testid=plugin-reload]').click();
  await row.locator('[data-testid=plugin-state]').filter({ hasText: /^loaded$/ }).waitFor();
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

  // Creating a member from the keyboard: the disclosure opened with Enter,
  // each field reached with Tab, the focus on the first field to fix.
  await page.locator('[data-testid=member-create] summary').focus();
  await page.keyboard.press('Enter');
  await tabTo(page, 'create-email');
  await page.keyboard.type('not-an-email');
  await tabTo(page, 'create-password');
  await page.keyboard.type('short');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=create-email-error]').filter({ hasText: /\S/ }).waitFor();
  assert.match(await page.locator('[data-testid=create-password-error]').innerText(), /\S/);
  await expectFocus(page, 'create-email');

  await page.keyboard.press('Control+A');
  await page.keyboard.type('buyer@example.com');
  await tabTo(page, 'create-password');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('a long enough password');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=member-create-message]').filter({ hasText: /Created buyer@example\.com/ }).waitFor();
  await expectFocus(page, 'member-create-message');

  await page.locator('#member-q').fill('buyer');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: 'buyer@example.com' }).waitFor();

  await page.locator('#member-q').fill('admin');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: ADMIN }).click();
  await page.locator('[data-testid=session-row]').first().waitFor();
  await checkPage('console-member');
});

test('an admin sees a member\'s sessions and signs the member out everywhere', async () => {
  // A member with two sessions (two devices), through the API from outside
  // the admin's browser (Node's fetch: no cookies).
  const email = 'seller@example.com';
  const password = 'a long and private phrase';
  const post = (path, body) => fetch(`${base}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post('/api/v1/members', { email, email_confirm: email, password, password_confirm: password })).status, 201);
  const tokens = [];
  for (let i = 0; i < 2; i++) {
    const signIn = await post('/api/v1/session', { email, password });
    assert.equal(signIn.status, 201);
    tokens.push((await signIn.json()).token);
  }
  await page.locator('[data-testid=nav-members]').click();
  await page.locator('#member-q').fill('seller');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: email }).click();
  await page.locator('[data-testid=session-row]').nth(1).waitFor();
  // "2026-12-02 04:10 GMT · 12:10 Shanghai, GMT+8"
  assert.match(await page.locator('[data-testid=session-row] time').first().innerText(),
    /^\d{4}-\d\d-\d\d \d\d:\d\d GMT · (\d{4}-\d\d-\d\d )?\d\d:\d\d Shanghai, GMT\+8$/);
  // Every action on a member says why: the reason is asked beside it.
  await page.locator('[data-testid=member-signout-all]').click();
  await expectFocus(page, 'member-signout-all-reason');
  await page.locator('[data-testid=member-signout-all-reason]').fill('The member lost a laptop');
  await page.locator('[data-testid=member-signout-all-submit]').click();
  await page.locator('[data-testid=member-notice]').filter({ hasText: `${email} was signed out everywhere.` }).waitFor();
  await expectFocus(page, 'member-notice');
  await page.locator('[data-testid=session-row]').first().waitFor({ state: 'detached' });
  for (const token of tokens) {
    const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 401);
  }
});

test("a third party's review kind shows through its own module, with its reasons, and focus on Approve", async () => {
  // A member proposes a motto (the SDK example's review kind, hello.motto)
  // through the API.
  const email = 'motto@example.com';
  await sendMotto(email, 'Lamps that last.', { join: true });

  await page.locator('[data-testid=nav-reviews]').click();
  await page.locator('#review-kind option', { hasText: 'Motto' }).waitFor({ state: 'attached' });
  await page.locator('[data-testid=review-row]').filter({ hasText: 'Motto' }).waitFor();
  await page.locator('[data-testid=review-open]').click();
  await page.locator('[data-testid=review-motto-new]').filter({ hasText: 'Lamps that last.' }).waitFor();
  assert.equal(await page.locator('h1').innerText(), `Motto of ${email}`);
  assert.deepEqual(await page.locator('#reject-template option').allInnerTexts(),
    ['Choose a reason…', 'The motto advertises something.', 'The motto is offensive.']);
  await expectFocus(page, 'review-approve');
  await checkPage('console-review-motto');
  await page.locator('[data-testid=review-approve]').click();
  await page.locator('[data-testid=review-empty]').waitFor();
  // Shown, not only announced.
  await page.locator('[data-testid=notice]').filter({ hasText: 'Approved. No more items are waiting.' }).waitFor();

  // Decided items can be listed and opened; the history names the admin
  // by email, and a decided item shows when it was decided, not a due time.
  await page.locator('#review-status').selectOption('approved');
  const decided = page.locator('[data-testid=review-row]').filter({ hasText: email });
  await decided.waitFor();
  await decided.locator('[data-testid=review-open]').click();
  await page.locator('[data-testid=review-history]').filter({ hasText: `approved by ${ADMIN}` }).waitFor();
  assert.match(await page.locator('[data-testid=review-status]').innerText(), /^Approved \d{4}-/);
  assert.doesNotMatch(await page.locator('[data-testid=review-status]').innerText(), /due/);
  await checkPage('console-review-decided');
  await page.locator('[data-testid=nav-reviews]').click();
});

test('Reviews in the menu while on Reviews shows what arrived since', async () => {
  // The list is empty after the last decision; a member sends a motto now.
  await page.locator('[data-testid=review-empty]').waitFor();
  const email = 'later@example.com';
  await sendMotto(email, 'Arrived later.', { join: true });
  await page.locator('[data-testid=nav-reviews]').click();
  await page.locator('[data-testid=review-row]').filter({ hasText: email }).waitFor();
  assert.equal(await page.locator('[data-testid=review-empty]').count(), 0);
  // The menu says how many wait.
  await page.locator('[data-testid=nav-reviews-waiting]').filter({ hasText: /^1$/ }).waitFor();
  // Decided from the keyboard, so the queue is as the next test expects it:
  // the item opens with the focus on Approve, Enter approves, and the focus
  // lands on the list's heading with the outcome shown above it.
  await page.locator('[data-testid=review-open]').focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=review-motto-new]').filter({ hasText: 'Arrived later.' }).waitFor();
  await expectFocus(page, 'review-approve');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=review-empty]').waitFor();
  await page.locator('[data-testid=notice]').filter({ hasText: 'Approved. No more items are waiting.' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 5000 });
});

test('a review item whose session ended leads through sign-in and back to the item', async () => {
  // The member proposes another motto; the admin opens it, then the session
  // ends (its cookie is gone) before the decision.
  await sendMotto('motto@example.com', 'Light for every shop.');
  await page.locator('[data-testid=nav-plugins]').click(); // the queue is read when Reviews is opened
  await page.locator('[data-testid=nav-reviews]').click();
  await page.locator('[data-testid=review-open]').click();
  await page.locator('[data-testid=review-motto-new]').filter({ hasText: 'Light for every shop.' }).waitFor();
  const itemHash = await page.evaluate(() => location.hash);

  await page.context().clearCookies();
  await page.locator('[data-testid=review-approve]').click();
  await page.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
  await expectFocus(page, 'signin-email');
  await page.locator('#signin-email').fill(ADMIN);
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  // Back on the same item, nothing decided, focus on Approve.
  await page.locator('[data-testid=review-motto-new]').filter({ hasText: 'Light for every shop.' }).waitFor();
  assert.equal(await page.evaluate(() => location.hash), itemHash);
  await expectFocus(page, 'review-approve');
  await page.locator('[data-testid=review-approve]').click();
  await page.locator('[data-testid=review-empty]').waitFor();
});

test('Audit lists what admins did, a member\'s actions from their page, a filter with its error, and the CSV', async () => {
  // From the member signed out everywhere above: their page links to the actions on them.
  await page.locator('[data-testid=nav-members]').click();
  await page.locator('#member-q').fill('seller');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: 'seller@example.com' }).click();
  await page.locator('[data-testid=member-link-audit]').click();
  const rows = page.locator('[data-testid=audit-row]');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().getAttribute('data-action'), 'member.sessions_end');
  assert.match(await rows.first().innerText(), new RegExp(ADMIN));
  await checkPage('console-audit-member');

  // Everything, then one action: the plugin reloads of the tests above.
  await page.locator('[data-testid=nav-audit]').click();
  await page.locator('h1').filter({ hasText: 'Audit' }).waitFor();
  await rows.first().waitFor();
  assert.ok((await page.locator('[data-testid=audit-row][data-action="console.sign_in"]').count()) >= 1);
  await page.locator('#field-action').fill('plugin.reload');
  // Waits for the filtered answer itself: the unfiltered page says "Page 1: …" too.
  const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/admin/audit?') &&
    r.url().includes('action=plugin.reload'));
  await page.locator('[data-testid=audit-apply]').click();
  await filtered;
  await page.locator('[data-testid=audit-csv][href*="action=plugin.reload"]').waitFor({ state: 'attached' });
  for (const action of await rows.evaluateAll((all) => all.map((r) => r.dataset.action))) assert.equal(action, 'plugin.reload');
  await checkPage('console-audit');

  // The CSV is the filtered set.
  const href = await page.locator('[data-testid=audit-csv]').getAttribute('href');
  assert.match(href, /format=csv/);
  assert.match(href, /action=plugin.reload/);
  const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'at,admin_id,admin,action,member_id,ip,reason,result,detail');
  assert.equal(lines.length, (await rows.count()) + 1);
  for (const line of lines.slice(1)) assert.match(line, /,plugin\.reload,/);

  // A time range that ends before it starts: the error beside its field, and the focus there.
  await page.locator('#field-since').fill('2026-01-02T00:00');
  await page.locator('#field-until').fill('2026-01-01T00:00');
  await page.locator('[data-testid=audit-apply]').click();
  await page.locator('[data-testid=until-error]').filter({ hasText: /before its start/ }).waitFor();
  await expectFocus(page, 'field-until');
  await checkPage('console-audit-bad-filter');
});

test('an admin disables a member with a reason (asked beside the field) and enables them again', async () => {
  const email = 'trader@example.com';
  const password = 'a long and private phrase';
  await joinMember(base, email, password);
  const signIn = () => fetch(`${base}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  await page.locator('[data-testid=nav-members]').click();
  await page.locator('#member-q').fill('trader');
  await page.locator('#member-q').press('Enter');
  await page.locator('[data-testid=member-row]').filter({ hasText: email }).click();
  await page.locator('[data-testid=member-standing]').filter({ hasText: 'Enabled' }).waitFor();

  // No reason: said beside the field, the focus back in it, nothing done.
  await page.locator('[data-testid=member-disable]').click();
  await expectFocus(page, 'member-disable-reason');
  await page.locator('[data-testid=member-disable-submit]').click();
  await page.locator('[data-testid=member-disable-form] [data-error-for=reason]')
    .filter({ hasText: 'Enter the reason for this action' }).waitFor();
  await expectFocus(page, 'member-disable-reason');
  await checkPage('console-member-action-reason');
  assert.equal((await signIn()).status, 201);

  await page.locator('[data-testid=member-disable-reason]').fill('Ticket 4711: selling counterfeit goods');
  await page.locator('[data-testid=member-disable-submit]').click();
  await page.locator('[data-testid=member-notice]')
    .filter({ hasText: `${email}'s account is disabled and every session ended.` }).waitFor();
  await expectFocus(page, 'member-notice');
  await page.locator('[data-testid=member-standing]').filter({ hasText: 'Disabled' }).waitFor();
  await checkPage('console-member-disabled');
  const refused = await signIn();
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).type, 'urn:memberd:problem:account_disabled');

  await page.locator('[data-testid=member-enable]').click();
  await page.locator('[data-testid=member-enable-reason]').fill('Ticket 4711 closed: a mistake');
  await page.locator('[data-testid=member-enable-submit]').click();
  await page.locator('[data-testid=member-notice]').filter({ hasText: 'is enabled' }).waitFor();
  assert.equal((await signIn()).status, 201);

  // The credentials plugin's panel, linked from the page: its facts, and a
  // password reset sent for the member.
  await page.locator('[data-testid=member-link-credentials-member]').click();
  await page.locator('[data-testid=credentials-admin-confirmed]').filter({ hasText: 'Not confirmed yet' }).waitFor();
  await page.locator('[data-testid=credentials-admin-reset]').click();
  await page.locator('[data-testid=credentials-admin-reset-reason]').fill('The member asked by phone');
  await page.locator('[data-testid=credentials-admin-reset-submit]').click();
  await page.locator('[data-testid=credentials-admin-notice]').filter({ hasText: `on its way to ${email}` }).waitFor();
  await expectFocus(page, 'credentials-admin-notice');
  await checkPage('console-credentials-member');
});

test('signing out returns to the sign-in form and ends the session', async () => {
  await page.locator('[data-testid=signout]').click();
  await page.locator('#signin-form').waitFor();
  const res = await page.request.get(`${base}/api/v1/session`);
  assert.equal(res.status(), 401);
  assert.deepEqual(pageErrors, []);
});

test('no console page has a serious or critical accessibility violation (axe-core)', () => {
  assert.deepEqual(a11y, []);
});
