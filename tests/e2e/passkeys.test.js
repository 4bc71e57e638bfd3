// Passkeys in Chromium's virtual authenticator (the DevTools protocol's
// WebAuthn domain: CTAP2, internal transport, resident keys, user
// verification): adding one on the Two-Step Verification page, signing in
// with it alone from the sign-in page, using it as the second step after
// the password, in the step-up before a change and in a reset through a
// mailed link, renaming it. The daemon is reached as http://localhost (an
// RP id must be a host name; localhost is a secure context).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { checkBothWidths, expectFocus, joinMember, mailedLink, openBrowser, startDaemon } from './harness.js';

const MEMBER = 'keyholder@example.com';
let PASSWORD = 'violet tangerine orbit 4821';
const ANSWER = 'Blue Whale';
let daemon, base, browser, page, pageErrors, cdp, authenticatorId;
const a11y = [];

const freePort = () => new Promise((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

async function signOut() {
  await page.locator('[data-testid=signout]').click();
  await page.locator('#field-email').waitFor();
}

before(async () => {
  process.env.MEMBERD_TWO_STEP_KEY = '8f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8';
  const port = await freePort();
  daemon = await startDaemon(['credentials', 'two_step'],
    [`http.listen=127.0.0.1:${port}`, `http.public_url=http://localhost:${port}`]);
  base = `http://localhost:${port}`;
  await joinMember(daemon.base, MEMBER, PASSWORD);
  // The address confirmed by the welcome mail's link, and a security
  // question, for the step-up and the reset (set through the API as the
  // pages would).
  const link = await mailedLink(daemon.dir, MEMBER, '#/credentials/confirm-email?token=');
  const confirmed = await fetch(`${daemon.base}/api/v1/email-confirmations/${link.split('token=')[1]}`, { method: 'POST' });
  assert.equal(confirmed.status, 200);
  const session = await (await fetch(`${daemon.base}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: MEMBER, password: PASSWORD }) })).json();
  const set = await fetch(`${daemon.base}/api/v1/me/security-question`, { method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ question_id: 'first_pet', answer: ANSWER, current_password: PASSWORD }) });
  assert.equal(set.status, 200);
  ({ browser, page, errors: pageErrors } = await openBrowser());
  cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true,
  } }));
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('the member adds a passkey from this browser', async () => {
  await page.goto(`${base}/account/`);
  await page.locator('#field-email').fill(MEMBER);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('#passkey-form-field-name').fill('This laptop');
  await page.locator('#passkey-form-field-password').fill(PASSWORD);
  await page.locator('[data-testid=passkey-add-submit]').click();
  // The first factor: two-step verification is on, and the codes come once.
  await expectFocus(page, 'recovery-codes-heading');
  assert.match(await page.locator('[data-testid=notice-text]').innerText(), /"This laptop" is added/);
  await page.locator('[data-testid=codes-done]').click();
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is on.' }).waitFor();
  assert.deepEqual(await page.locator('[data-testid=passkey-name]').allInnerTexts(), ['This laptop']);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true);
  a11y.push(...await checkBothWidths(page, 'passkeys-on'));

  // Renamed in place.
  await page.locator('[data-testid=passkey-rename]').click();
  await expectFocus(page, 'rename-field-name');
  await page.locator('#rename-field-name').fill('Work laptop');
  await page.locator('[data-testid=passkey-rename-save]').click();
  await page.locator('[data-testid=passkey-name]').filter({ hasText: 'Work laptop' }).waitFor();
});

test('a passkey alone signs the member in, no email or password typed', async () => {
  await signOut();
  await page.locator('[data-testid=signin-passkey]').click();
  await expectFocus(page, 'passkey-signin-submit');
  a11y.push(...await checkBothWidths(page, 'passkey-sign-in'));
  await page.locator('[data-testid=passkey-signin-submit]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  assert.match(await page.locator('[data-testid=notice-text]').innerText(), /signed in with your passkey/);
});

test('after the password, the passkey is the second step', async () => {
  await signOut();
  await page.locator('#field-email').fill(MEMBER);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await expectFocus(page, 'second-step-passkey');
  a11y.push(...await checkBothWidths(page, 'second-step-passkey'));
  await page.locator('[data-testid=second-step-passkey]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
  // Each use moved the authenticator's counter on; the daemon kept up.
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(credentials[0].signCount >= 2);
});

test('the step-up before a change takes the passkey as the second step', async () => {
  await page.locator('[data-testid=menu-credentials-change-password]').click();
  await page.locator('#field-current_password').fill(PASSWORD);
  await page.locator('#field-answer').fill(ANSWER);
  await page.locator('[data-testid=stepup-submit]').click();
  await expectFocus(page, 'field-code');
  await page.locator('[data-testid=use-passkey]').click();
  await expectFocus(page, 'passkey-note');
  assert.equal(await page.locator('#field-code').isVisible(), false);
  a11y.push(...await checkBothWidths(page, 'step-up-passkey'));
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('#field-new_password').waitFor();
});

test('a reset link asks for the answer and the passkey, not a code', async () => {
  await signOut();
  const asked = await fetch(`${daemon.base}/api/v1/password-resets`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: MEMBER }) });
  assert.equal(asked.status, 202);
  const link = await mailedLink(daemon.dir, MEMBER, '#/credentials/reset-password?token=');
  await page.goto(`${base}${link}`);
  await page.locator('[data-testid=second-step-field]').waitFor();
  await page.locator('#field-answer').fill(ANSWER);
  await page.locator('[data-testid=use-passkey]').click();
  await expectFocus(page, 'passkey-note');
  PASSWORD = 'a fresh passphrase after the reset 58';
  await page.locator('#field-new_password').fill(PASSWORD);
  await page.locator('#field-new_password_confirm').fill(PASSWORD);
  a11y.push(...await checkBothWidths(page, 'reset-passkey'));
  await page.locator('[data-testid=reset-submit]').click();
  await page.locator('[data-testid=reset-done]').waitFor();
  // Signed out everywhere: in again with the new password and the passkey.
  await page.goto(`${base}/account/`);
  await page.locator('#field-email').fill(MEMBER);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.locator('[data-testid=second-step-passkey]').click();
  await page.locator('[data-testid=current-user-email]').filter({ hasText: MEMBER }).waitFor();
});

test('two-step verification is turned off with the password and the passkey', async () => {
  await page.locator('[data-testid=menu-two_step-two-step]').click();
  await page.locator('#turn-off-field-password').fill(PASSWORD);
  await page.locator('[data-testid=turn-off-passkey]').click();
  await page.locator('[data-testid=two-step-status]').filter({ hasText: 'is off.' }).waitFor();
  await expectFocus(page, 'two-step-status');
});

test('a passkey the daemon no longer knows is refused in words', async () => {
  await signOut();
  // The browser still holds it; the account forgot it when two-step went off.
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  await page.locator('[data-testid=signin-passkey]').click();
  await page.locator('[data-testid=passkey-signin-submit]').click();
  await page.locator('[data-testid=passkey-signin-message]').filter({ hasText: 'did not sign you in' }).waitFor();
  await expectFocus(page, 'passkey-signin-submit');
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
