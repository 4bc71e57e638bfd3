// The two_step plugin in a real browser, with Debian's oathtool as the
// member's authenticator app: setting up the app from its key, the recovery
// codes shown once, signing in with the second step (a wrong code first),
// with a recovery code (remembering the browser, which Your Devices lists
// and forgets), and turning it off; an admin removing the factors
// of a member who lost them, in the console. Focus, 360 px, accessibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkBothWidths, endMemberSessionsAsAdmin, expectFocus, joinMember, mailedLink, openBrowser, screenshot, signInAdmin, signInMember, startDaemon } from './harness.js';

const MEMBER = 'guarded@example.com';
const PASSWORD = 'violet tangerine orbit 4821';
let daemon, base, browser, page, pageErrors;
const a11y = [];

// The code oathtool shows `offset` seconds from now for the key as the page
// shows it. Taken at least 6 s before a 30 s step ends: a code one step
// off now would be two steps off by the time a loaded machine sends it
// (the daemon accepts one step either way).
async function oathtool(secret, offset = 0) {
  const into = (Date.now() / 1000) % 30;
  if (into > 24) await new Promise((r) => setTimeout(r, (30 - into + 0.5) * 1000));
  const at = Math.floor(Date.now() / 1000) + offset;
  return execFileSync('oathtool', ['--totp', '-b', secret.replace(/ /g, ''), '--now', `@${at}`]).toString().trim();
}

async function signOut() {
  await page.locator('[data-testid=signout]').click();
  await page.locator('#field-email').waitFor();
}

async function passwordStep() {
  await page.locator('#field-email').fill(MEMBER);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=second-step-submit]').waitFor();
}

before(async () => {
  process.env.MEMBERD_TWO_STEP_KEY = '8f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8';
  // security_level too: Your Devices lists the browsers two_step remembers.
  daemon = await startDaemon(['credentials', 'two_step', 'security_level']);
  base = daemon.base;
  await joinMember(base, MEMBER, PASSWORD);
  // The address confirmed by the welcome mail's link, then a security question, for the step-up (set through the API as the page would).
  const link = await mailedLink(daemon.dir, MEMBER, '#/credentials/confirm-email?token=');
  const confirmed = await fetch(`${base}/api/v1/email-confirmations/${link.split('token=')[1]}`, { method: 'POST' });
  assert.equal(confirmed.status, 200);
  const session = await (await fetch(`${base}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: MEMBER, password: PASSWORD }) })).json();
  const set = await fetch(`${base}/api/v1/me/security-question`, { method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ question_id: 'first_pet', answer: 'Blue Whale', current_password: PASSWORD }) });
  assert.equal(set.status, 200);
  ({ browser, page, errors: pageErrors } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

let secret, codes;

test('the member sets up an authenticator app and saves the recovery codes', async () => {
  await signInMember(page, base, MEMBER, PASSWORD);
  // Before it is on, Your Devices says so and points to it, listing no browser.
  await page.locator('[data-testid=menu-security_level-devices]').click();
  await page.locator('[data-testid=two-step-off]').waitFor();
  assert.equal(await page.locator('[data-testid=remembered-browsers] h2').count(), 0);
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is off.' }).waitFor();
  a11y.push(...await checkBothWidths(page, 'two-step-off'));

  // A wrong password first: said next to the field.
  await page.locator('#app-start-form-field-password').fill('not my password');
  await page.locator('[data-testid=app-start-submit]').click();
  await page.locator('[data-testid=password-error]').filter({ hasText: 'That is not your password.' }).waitFor();
  await expectFocus(page, 'app-start-form-field-password');
  await page.locator('#app-start-form-field-password').fill(PASSWORD);
  await page.locator('[data-testid=app-start-submit]').click();
  await expectFocus(page, 'app-scan-heading');
  secret = await page.locator('[data-testid=app-secret]').innerText();
  assert.match(secret, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  assert.equal(await page.locator('[data-testid=app-qr]').evaluate((img) => img.naturalWidth > 0), true);
  a11y.push(...await checkBothWidths(page, 'two-step-scan'));

  await page.locator('#field-code').fill('000000');
  await page.locator('[data-testid=app-confirm-submit]').click();
  await page.locator('[data-testid=code-error]').filter({ hasText: 'not right' }).waitFor();
  await expectFocus(page, 'field-code');
  // The step before now: the current one stays free for signing in.
  await page.locator('#field-code').fill(await oathtool(secret, -30));
  await page.locator('[data-testid=app-confirm-submit]').click();
  await expectFocus(page, 'recovery-codes-heading');
  codes = await page.locator('[data-testid=codes-list] li').allInnerTexts();
  assert.equal(codes.length, 10);
  assert.match(await page.locator('[data-testid=notice-text]').innerText(), /Two-step verification is on/);
  a11y.push(...await checkBothWidths(page, 'two-step-codes'));
  const download = page.waitForEvent('download');
  await page.locator('[data-testid=codes-download]').click();
  assert.equal((await download).suggestedFilename(), 'recovery-codes.txt');

  await page.locator('[data-testid=codes-done]').click();
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is on.' }).waitFor();
  assert.equal(await page.locator('[data-testid=codes-left]').innerText(), '10 of 10 left');
  a11y.push(...await checkBothWidths(page, 'two-step-on'));
});

test('signing in asks for the code after the password', async () => {
  await signOut();
  await passwordStep();
  await expectFocus(page, 'field-code');
  await page.locator('#field-code').fill('123456');
  await page.locator('[data-testid=second-step-submit]').click();
  await page.locator('[data-testid=code-error]').filter({ hasText: /not right\. \d attempts? left/ }).waitFor();
  await expectFocus(page, 'field-code');
  a11y.push(...await checkBothWidths(page, 'second-step'));
  await page.locator('#field-code').fill(await oathtool(secret, 30));
  await page.locator('[data-testid=second-step-remember]').check();
  await page.locator('[data-testid=second-step-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  // This browser is remembered: the password alone signs in here, and the page lists it.
  await signOut();
  await signInMember(page, base, MEMBER, PASSWORD);
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=remembered-device]').waitFor();
  await page.locator('[data-testid=remembered-forget]').click();
  await page.locator('[data-testid=notice-text]').filter({ hasText: 'ask for your second step again' }).waitFor();
  await expectFocus(page, 'two-step-state');
  assert.equal(await page.locator('[data-testid=remembered-device]').count(), 0);
});

test('a recovery code lets the member in once', async () => {
  await signOut();
  await passwordStep();
  await page.locator('[data-testid=second-step-toggle]').click();
  await expectFocus(page, 'field-code');
  assert.equal(await page.locator('label[for=field-code]').innerText(), 'Recovery code');
  await page.locator('#field-code').fill(codes[0].toUpperCase());
  await page.locator('[data-testid=second-step-remember]').check();
  await page.locator('[data-testid=second-step-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=codes-left]').filter({ hasText: '9 of 10 left' }).waitFor();
});

test('Your Devices lists the browser that skips the second step, and forgets it from the keyboard', async () => {
  await page.locator('[data-testid=menu-security_level-devices]').click();
  const item = page.locator('[data-testid=remembered-browser]');
  await item.waitFor();
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /Chrome on Linux/);
  a11y.push(...await checkBothWidths(page, 'devices-remembered'));
  await page.locator('[data-testid=forget-remembered]').focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=devices-outcome]').filter({ hasText: 'Chrome on Linux is forgotten' }).waitFor();
  await expectFocus(page, 'devices-outcome');
  await page.locator('[data-testid=no-remembered-browsers]').waitFor();
  assert.equal(await item.count(), 0);
  await screenshot(page, 'devices-remembered-forgotten');
  // Forgotten for real: the two_step page lists none, and the password alone no longer signs in.
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=codes-left]').filter({ hasText: '9 of 10 left' }).waitFor();
  assert.equal(await page.locator('[data-testid=remembered-device]').count(), 0);
  await signOut();
  await passwordStep();
  await page.locator('[data-testid=second-step-toggle]').click();
  await page.locator('#field-code').fill(codes[3]);
  await page.locator('[data-testid=second-step-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=codes-left]').filter({ hasText: '8 of 10 left' }).waitFor();
});

test('the step-up before a change asks for the second step too', async () => {
  await page.locator('[data-testid=menu-credentials-change-password]').click();
  await page.locator('#field-current_password').fill(PASSWORD);
  await page.locator('#field-answer').fill('Blue Whale');
  await page.locator('[data-testid=stepup-submit]').click();
  await expectFocus(page, 'field-code');
  a11y.push(...await checkBothWidths(page, 'step-up-second-step'));
  await page.locator('[data-testid=use-recovery_code]').click();
  await page.locator('#field-code').fill(codes[0]);  // used: refused
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('[data-testid=code-error]').filter({ hasText: 'not right' }).waitFor();
  await page.locator('#field-code').fill(codes[2]);
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('#field-new_password').waitFor();
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=codes-left]').filter({ hasText: '7 of 10 left' }).waitFor();
});

test('turning it off asks for the password and a code', async () => {
  await page.locator('[data-testid=turn-off-toggle]').click();
  // Each form's fields have ids of their own: two ask for the password
  // (new codes, turning off), and two for a code.
  assert.equal(await page.locator('[id$=field-password]').count(), 2);
  assert.equal(await page.locator('[id$=field-code]').count(), 2);
  assert.equal(await page.locator('#codes-form-field-password').count(), 1);
  await page.locator('#turn-off-field-code').fill(codes[1]);
  await page.locator('#turn-off-field-password').fill(PASSWORD);
  await page.locator('[data-testid=turn-off-submit]').click();
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is off.' }).waitFor();
  await expectFocus(page, 'two-step-status');
  assert.match(await page.locator('[data-testid=notice-text]').innerText(), /Two-step verification is off/);
  await screenshot(page, 'two-step-turned-off');
  await signOut();
  await signInMember(page, base, MEMBER, PASSWORD);
});

test('a session that ends while the page is open leads to sign-in with a notice, then back', async () => {
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is off.' }).waitFor();
  await endMemberSessionsAsAdmin(page, base);
  // The form on the open page is sent with a session that is gone.
  await page.locator('#app-start-form-field-password').fill(PASSWORD);
  await page.locator('[data-testid=app-start-submit]').click();
  await page.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
  await expectFocus(page, 'field-email');
  await page.locator('#field-email').fill(MEMBER);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.waitForURL(/#\/two_step\/two-step$/);
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is off.' }).waitFor();
});

test('an admin removes the factors of a member who lost them, and the reason is kept', async () => {
  // The member turns it on again (through the API, as the page would).
  const json = { 'Content-Type': 'application/json' };
  const session = await (await fetch(`${base}/api/v1/session`, { method: 'POST', headers: json,
    body: JSON.stringify({ email: MEMBER, password: PASSWORD }) })).json();
  const auth = { ...json, Authorization: `Bearer ${session.token}` };
  const started = await (await fetch(`${base}/api/v1/me/two-step/app`, { method: 'POST', headers: auth,
    body: JSON.stringify({ password: PASSWORD }) })).json();
  const confirmed = await fetch(`${base}/api/v1/me/two-step/app/confirm`, { method: 'POST', headers: auth,
    body: JSON.stringify({ code: await oathtool(started.secret, -30) }) });
  assert.equal(confirmed.status, 200);

  const context = await browser.newContext();
  const admin = await context.newPage();
  admin.on('pageerror', (error) => pageErrors.push(String(error)));
  await signInAdmin(admin, base);
  await admin.goto(`${base}/console/#/members/${encodeURIComponent(session.member_id)}`);
  await admin.locator('[data-testid=member-link-two_step-two-step]').click();
  await admin.locator('[data-testid=two-step-admin-state]').filter({ hasText: 'is on.' }).waitFor();
  assert.deepEqual(await admin.locator('[data-testid=two-step-factor] td:first-child').allInnerTexts(),
    ['Authenticator app', 'Recovery codes']);
  assert.equal(await admin.locator('text=' + started.secret).count(), 0);  // never a secret
  a11y.push(...await checkBothWidths(admin, 'console-two-step'));

  // No reason: said next to the field, and nothing removed.
  await admin.locator('[data-testid=two-step-remove]').click();
  await expectFocus(admin, 'two-step-remove-confirm-question');
  await admin.locator('[data-testid=two-step-remove-confirm-yes]').click();
  await expectFocus(admin, 'field-reason');
  assert.match(await admin.locator('[data-testid=reason-error]').innerText(), /\S/);
  await admin.locator('#field-reason').fill('Called from the number on file; passport shown over video');
  await admin.locator('[data-testid=two-step-remove]').click();
  // Cancel first: the focus goes back to the button, nothing happens.
  await admin.locator('[data-testid=two-step-remove-confirm-no]').click();
  await expectFocus(admin, 'two-step-remove');
  await admin.locator('[data-testid=two-step-remove]').click();
  await admin.locator('[data-testid=two-step-remove-confirm-yes]').click();
  await admin.locator('[data-testid=two-step-admin-state]').filter({ hasText: 'is off.' }).waitFor();
  await expectFocus(admin, 'two-step-admin-state');
  assert.match(await admin.locator('[data-testid=two-step-action]').innerText(), /passport shown over video/);
  // The panel said its own failure next to the field: no banner besides, and nothing written as "null".
  assert.equal(await admin.locator('#banner').isVisible(), false);
  assert.doesNotMatch(await admin.locator('[data-testid=plugin-panel]').innerText(), /null/);
  await screenshot(admin, 'console-two-step-removed');
  await context.close();
  // The member signs in with the password alone again.
  const again = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: json,
    body: JSON.stringify({ email: MEMBER, password: PASSWORD }) });
  assert.equal(again.status, 201);
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
