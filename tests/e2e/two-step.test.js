// The two_step plugin in a real browser, with Debian's oathtool as the
// member's authenticator app: setting up the app from its key, the recovery
// codes shown once, signing in with the second step (a wrong code first),
// with a recovery code, and turning it off. Focus, 360 px, accessibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkBothWidths, expectFocus, joinMember, mailedLink, openBrowser, screenshot, signInMember, startDaemon } from './harness.js';

const MEMBER = 'guarded@example.com';
const PASSWORD = 'violet tangerine orbit 4821';
let daemon, base, browser, page, pageErrors;
const a11y = [];

// The code oathtool shows `offset` seconds from now for the key as the page shows it.
function oathtool(secret, offset = 0) {
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
  daemon = await startDaemon(['credentials', 'two_step']);
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
  await page.locator('#field-code').fill(oathtool(secret, -30));
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
  await page.locator('#field-code').fill(oathtool(secret, 30));
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
  await page.locator('[data-testid=second-step-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=codes-left]').filter({ hasText: '9 of 10 left' }).waitFor();
});

test('the step-up before a change asks for the second step too', async () => {
  await page.locator('[data-testid=menu-credentials-change-password]').click();
  await page.locator('#field-current_password').fill(PASSWORD);
  await page.locator('#field-answer').fill('Blue Whale');
  await page.locator('[data-testid=stepup-submit]').click();
  await expectFocus(page, 'field-code');
  a11y.push(...await checkBothWidths(page, 'step-up-second-step'));
  await page.locator('[data-testid=code-toggle]').click();
  await page.locator('#field-code').fill(codes[0]);  // used: refused
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('[data-testid=code-error]').filter({ hasText: 'not right' }).waitFor();
  await page.locator('#field-code').fill(codes[2]);
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('#field-new_password').waitFor();
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('[data-testid=codes-left]').filter({ hasText: '8 of 10 left' }).waitFor();
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

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
