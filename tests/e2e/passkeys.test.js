// Passkeys in Chromium's virtual authenticator (the DevTools protocol's
// WebAuthn domain: CTAP2, internal transport, resident keys, user
// verification): adding one on the Two-Step Verification page, signing in
// with it alone from the sign-in page, using it as the second step after
// the password, renaming it. The daemon is reached as http://localhost
// (an RP id must be a host name; localhost is a secure context).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { checkBothWidths, expectFocus, joinMember, openBrowser, startDaemon } from './harness.js';

const MEMBER = 'keyholder@example.com';
const PASSWORD = 'violet tangerine orbit 4821';
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
