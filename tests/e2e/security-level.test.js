// The security_level plugin in a real browser: the member's Security Level
// page and the console's Sign-ins panel, with sign-ins placed by MaxMind's
// test databases through a trusted proxy header (the daemon trusts
// 127.0.0.1 here, so X-Forwarded-For sets the client address).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, GEO_DIR, PASSWORD, checkBothWidths, mailedLink, openBrowser, signInMember, startDaemon, expectFocus, tabTo } from './harness.js';

const MEMBER = 'traveller@example.com';
const MEMBER_PASSWORD = 'violet tangerine orbit 4821';
let daemon, base, browser, page, pageErrors;

const a11y = [];
async function shots(name) {
  a11y.push(...(await checkBothWidths(page, name)));
}

const api = (path, { method = 'GET', body, headers = {} } = {}) => fetch(`${base}${path}`, {
  method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body),
});

before(async () => {
  daemon = await startDaemon(['credentials', 'security_level'], [
    `geo.city_db=${GEO_DIR}/GeoIP2-City-Test.mmdb`, `geo.anonymous_db=${GEO_DIR}/GeoIP2-Anonymous-IP-Test.mmdb`,
    'http.trusted_proxies=[127.0.0.1]',
  ]);
  base = daemon.base;
  const joined = await api('/api/v1/members', { method: 'POST', body: {
    email: MEMBER, email_confirm: MEMBER, password: MEMBER_PASSWORD, password_confirm: MEMBER_PASSWORD } });
  assert.equal(joined.status, 201);
  // Earlier sign-ins: from Japan, and a failed attempt from London.
  const signIn = (ip, password) => api('/api/v1/session', { method: 'POST', body: { email: MEMBER, password },
    headers: { 'X-Forwarded-For': ip, 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36' } });
  assert.equal((await signIn('2001:218::1', MEMBER_PASSWORD)).status, 201);
  assert.equal((await signIn('81.2.69.142', 'not my password at all')).status, 401);
  ({ browser, page, errors: pageErrors } = await openBrowser({ timezoneId: 'Asia/Shanghai' }));
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('Security Level shows the last sign-in and this one, through an anonymous proxy, in GMT and Beijing time', async () => {
  // This browser signs in through an anonymous VPN.
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': '1.124.213.1' });
  await signInMember(page, base, MEMBER, MEMBER_PASSWORD);
  const menu = page.locator('[data-testid=menu-security_level-security-level]');
  await menu.waitFor();
  // In the seed's order: after Set a Security Question; then the member's devices.
  const titles = await page.locator('#menu-list a').allInnerTexts();
  assert.deepEqual(titles.slice(-4), ['Set a Security Question', 'Security Level', 'Your Devices', 'Your Data and Account']);

  // The sign-in is recorded a moment after it happened.
  for (let i = 0; i < 50; i++) {
    await menu.click();
    await page.locator('[data-testid=level]').waitFor();
    if (!(await page.locator('[data-testid=current-sign-in] .muted').count())) break;
    await page.locator('[data-testid=menu-credentials-change-password]').click();
    await new Promise((r) => setTimeout(r, 100));
  }
  const current = page.locator('[data-testid=current-sign-in]');
  assert.match(await current.locator('[data-testid=sign-in-location]').innerText(), /^Anonymous Proxy/);
  const time = await current.locator('[data-testid=sign-in-time]').innerText();
  assert.match(time, /^\d{4}-\d\d-\d\d \d\d:\d\d GMT · .*\d\d:\d\d Shanghai, GMT\+8$/);
  const last = page.locator('[data-testid=last-sign-in]');
  assert.equal(await last.locator('[data-testid=sign-in-location]').innerText(), 'Japan');
  assert.match(await last.innerText(), /2001:218::1/);
  assert.match(await last.innerText(), /Chrome on Windows/);
  const whois = last.locator('a.whois');
  assert.equal(await whois.getAttribute('href'), 'https://rdap.org/ip/2001:218::1');
  assert.equal(await whois.getAttribute('rel'), 'noopener noreferrer');

  // The level says what to do: no question, an anonymous proxy.
  assert.equal(await page.locator('[data-testid=level-value]').innerText(), 'Low');
  const advice = await page.locator('[data-testid=advice]').innerText();
  assert.match(advice, /security question/);
  assert.match(advice, /anonymous proxy/);
  // Recent sign-ins, the failed attempt among them.
  await page.locator('[data-testid=sign-in-row][data-outcome=failure]').waitFor();
  assert.equal(await page.locator('[data-testid=sign-in-row]').count(), 3);
  assert.equal(await page.locator('[data-testid=sign-in-row][data-outcome=failure] [data-testid=sign-in-what]').innerText(),
    'Failed sign-in (wrong password)');
  // The seed's explanations.
  await page.locator('summary', { hasText: 'What does GMT mean?' }).click();
  await page.locator('text=Beijing Time is +8 hours GMT').waitFor();
  await page.locator('summary', { hasText: 'Why Anonymous Proxy?' }).click();
  await page.locator('text=used an anonymous proxy server to sign in').waitFor();
  await shots('security-level');

  // "This wasn't me" leads to Change Password.
  await page.locator('[data-testid=not-me]').click();
  await page.waitForURL(/#\/credentials\/change-password$/);
  await page.setExtraHTTPHeaders({});
});

test('Security Level says the address is not confirmed and sends a new link; the link confirms it', async () => {
  await page.locator('[data-testid=menu-security_level-security-level]').click();
  const state = page.locator('[data-testid=email-state-value]');
  await state.waitFor();
  assert.equal(await state.innerText(), 'not confirmed');
  assert.match(await page.locator('[data-testid=email-state]').innerText(), /Email address:\s*not confirmed/);
  assert.match(await page.locator('[data-testid=advice]').innerText(), /Confirm your email address/);
  // From the keyboard: the button, then the outcome shown and focused.
  const resend = page.locator('[data-testid=resend-confirmation]');
  await resend.focus();
  await page.keyboard.press('Enter');
  const outcome = page.locator('[data-testid=resend-confirmation-outcome]');
  await outcome.filter({ hasText: `We sent a new link to ${MEMBER}` }).waitFor();
  await expectFocus(page, 'resend-confirmation-outcome');
  await shots('security-level-unconfirmed');

  const link = await mailedLink(daemon.dir, MEMBER, '#/credentials/confirm-email?token=');
  const token = link.split('token=')[1];
  assert.equal((await api(`/api/v1/email-confirmations/${token}`, { method: 'POST' })).status, 200);
  // The page reads the state afresh: confirmed, no button; the level follows the event.
  for (let i = 0; i < 50; i++) {
    await page.locator('[data-testid=menu-credentials-change-password]').click();
    await page.locator('[data-testid=menu-security_level-security-level]').click();
    await state.waitFor();
    if (!/Confirm your email address/.test(await page.locator('[data-testid=advice]').innerText())) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await state.innerText(), 'confirmed');
  assert.equal(await resend.count(), 0);
  assert.doesNotMatch(await page.locator('[data-testid=advice]').innerText(), /Confirm your email address/);
});

test('the console lists sign-ins, filters by anonymous, draws the chart and exports CSV', async () => {
  // Still signed in as the member: the console asks for an admin instead.
  await page.goto(`${base}/console/`);
  await page.locator('[data-testid=signin-member-note]').filter({ hasText: MEMBER }).waitFor();
  assert.equal(await page.locator('#nav').isHidden(), true);
  await page.locator('#signin-email').fill(ADMIN);
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  const nav = page.locator('[data-testid=nav-plugin-security_level-sign-ins]');
  await nav.click();
  const rows = page.locator('[data-testid=sign-in-row]');
  await rows.first().waitFor();
  // The member's two sign-ins and a failure, and the admin's own console sign-in.
  assert.equal(await rows.count(), 4);
  await page.locator('[data-testid=sign-in-chart] svg').waitFor();
  assert.match(await page.locator('[data-testid=sign-in-chart-caption]').innerText(), /3 signed in.*1 failed/);
  await shots('console-sign-ins');

  // The filter from the keyboard: its field reached with Tab, Apply with Enter.
  await page.locator('#si-email').focus();
  await tabTo(page, 'si-anonymous');
  await page.keyboard.type('Only');  // a drop-down picks by typing
  assert.equal(await page.locator('#si-anonymous').inputValue(), 'true');
  await tabTo(page, 'sign-in-apply');
  await page.keyboard.press('Enter');
  // The VPN, and the failed attempt from London: the test data marks that
  // network as a proxy too.
  await page.locator('[data-testid=sign-in-row]').nth(2).waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 2);
  const places = await rows.locator('[data-testid=sign-in-location]').allInnerTexts();
  assert.deepEqual(places.map((p) => p.replace(/\s*new location$/, '')), ['Anonymous Proxy', 'Anonymous Proxy']);
  // The browser's sign-in came from a place this member had not used: flagged.
  assert.equal(await rows.first().locator('[data-testid=new-location]').count(), 1);
  const href = await page.locator('[data-testid=sign-in-csv]').getAttribute('href');
  assert.match(href, /anonymous=true/);
  const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
  const lines = csv.trim().split('\r\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /1\.124\.213\.1.*Anonymous Proxy/);

  // A bad filter is explained next to its field.
  await page.locator('#si-ip').fill('999.1.2.3');
  await page.locator('[data-testid=sign-in-apply]').click();
  await page.locator('#si-ip-error').filter({ hasText: /IP address or a network/ }).waitFor();
  assert.equal(await page.locator('#si-ip').getAttribute('aria-invalid'), 'true');
  await shots('console-sign-ins-bad-filter');
});

test("a member's page in the console links to their sign-ins", async () => {
  await page.locator('[data-testid=nav-members]').click();
  await page.locator('#member-q').fill('traveller');
  await page.locator('#member-q').press('Enter');
  // The list drawn before the search still shows every member: wait for the
  // searched one instead of clicking whichever row happens to be first.
  await page.locator('[data-testid=member-row]').filter({ hasText: MEMBER }).locator('a').click();
  const link = page.locator('[data-testid=member-link-security_level-sign-ins]');
  await link.click();
  const rows = page.locator('[data-testid=sign-in-row]');
  await rows.first().waitFor();
  assert.equal(await page.locator('#si-email').inputValue(), MEMBER);
  assert.equal(await rows.count(), 3);
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
