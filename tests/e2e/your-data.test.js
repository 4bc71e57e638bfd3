// Your Data and Account (the credentials plugin's page, the core's routes)
// in a real browser: behind the step-up, "Download my data" saves one
// archive, or mails a link to a large one, which downloads it; "Close my account" asks once more, signs the member out and
// says until when; signing in again shows the account is set to close,
// with "Keep my account", from the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  checkBothWidths, endMemberSessionsAsAdmin, expectFocus, mailedLink, openBrowser, signInMember, startDaemon,
} from './harness.js';

const MEMBER = 'leaver@example.com';
const PASSWORD = 'tidal meadow lantern 4471';
const ANSWER = 'Grandma Ruth';
let daemon, base, browser, page, pageErrors;

const a11y = [];
async function shots(name) {
  a11y.push(...(await checkBothWidths(page, name)));
}

// The paths of a ustar archive's files (prefix/name of each header).
function tarPaths(bytes) {
  const paths = [];
  for (let at = 0; at + 512 <= bytes.length;) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    assert.equal(header.subarray(257, 262).toString(), 'ustar');
    const text = (from, width) => header.subarray(from, from + width).toString().replace(/\0.*$/s, '');
    paths.push(`${text(345, 155)}/${text(0, 100)}`);
    at += 512 + Math.ceil(parseInt(text(124, 12), 8) / 512) * 512;
  }
  return paths;
}

// A member `email` of `on` (a started daemon) with a confirmed address and
// a security question, through the API.
async function prepareMember(on, email) {
  const call = (method, path, body, token) => fetch(`${on.base}${path}`, { method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal((await call('POST', '/api/v1/members', { email, email_confirm: email, password: PASSWORD,
    password_confirm: PASSWORD })).status, 201);
  const link = await mailedLink(on.dir, email, '#/credentials/confirm-email?token=');
  assert.equal((await call('POST', `/api/v1/email-confirmations/${link.split('token=')[1]}`)).status, 200);
  const { token } = await (await call('POST', '/api/v1/session', { email, password: PASSWORD })).json();
  const questions = await (await fetch(`${on.base}/api/v1/security-questions`)).json();
  assert.equal((await call('PUT', '/api/v1/me/security-question', { question_id: questions[0].id, answer: ANSWER,
    current_password: PASSWORD }, token)).status, 200);
}

// The step-up form of this page: signing in lands on another page that
// asks for a step-up too (Change Email Address), whose form may still show
// while this page loads.
const OWN_STEP_UP = '[data-page="credentials/your-data"] #stepup-form';

async function stepUp(on) {
  await on.locator(OWN_STEP_UP).waitFor();
  await on.locator('#field-current_password').fill(PASSWORD);
  await on.locator('#field-answer').fill(ANSWER);
  await on.locator('[data-testid=stepup-submit]').click();
}

before(async () => {
  daemon = await startDaemon(['credentials', 'hello'], ['accounts.closure_grace=14d']);
  base = daemon.base;
  ({ browser, page, errors: pageErrors } = await openBrowser());
  await prepareMember(daemon, MEMBER);
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('behind the step-up, "Download my data" saves one archive of the account', async () => {
  await signInMember(page, base, MEMBER, PASSWORD);
  await page.locator('[data-testid=menu-credentials-your-data]').click();
  await page.locator(OWN_STEP_UP).waitFor();
  await page.locator('#field-current_password').fill(PASSWORD);
  await page.locator('#field-answer').fill(ANSWER);
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('[data-testid=data-download-card]').waitFor();
  await expectFocus(page, 'data-download');
  await shots('your-data');

  const saved = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const download = await saved;
  assert.match(download.suggestedFilename(), /^memberd-data-\d{4}-\d\d-\d\d\.tar$/);
  const paths = tarPaths(readFileSync(await download.path()));
  for (const path of ['memberd-data/README.txt', 'memberd-data/account.json', 'memberd-data/manifest.json',
    'memberd-data/credentials/data.json', 'memberd-data/hello/data.json']) assert.ok(paths.includes(path), path);
  // Shown, not only announced: the outcome, focused, with the file again.
  await page.locator('[data-testid=data-download-outcome]').filter({ hasText: 'Your data is ready' }).waitFor();
  await expectFocus(page, 'data-download-outcome');
  await page.locator('[data-testid=data-download-link]').waitFor();
});

test('a large archive comes by a mailed link, which opens the page and downloads it', async () => {
  const large = await startDaemon(['credentials', 'hello'], ['accounts.export_at_once_bytes=1024']);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await context.newPage();
  other.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    const email = 'large@example.com';
    await prepareMember(large, email);
    await signInMember(other, large.base, email, PASSWORD);
    await other.locator('[data-testid=menu-credentials-your-data]').click();
    await stepUp(other);
    await other.locator('[data-testid=data-download]').click();
    const outcome = other.locator('[data-testid=data-download-outcome]');
    await outcome.filter({ hasText: 'we emailed you a link to download it' }).waitFor();
    assert.match(await outcome.innerText(), /The link works until \d{4}-\d\d-\d\d/);
    await expectFocus(other, 'data-download-outcome');

    // Asked once: the button rests (another press would mail another link).
    assert.equal(await other.locator('[data-testid=data-download]').isDisabled(), true);

    // The mail's link opens this page with its token, which leaves the
    // address bar once the archive is saved.
    const link = await mailedLink(large.dir, email, '#/credentials/your-data?token=');
    await other.goto(`${large.base}${link}`);
    await other.locator('[data-testid=mailed-card]').waitFor();
    await expectFocus(other, 'mailed-download');
    a11y.push(...(await checkBothWidths(other, 'your-data-mailed')));
    const saved = other.waitForEvent('download');
    await other.keyboard.press('Enter');
    const download = await saved;
    assert.ok(tarPaths(readFileSync(await download.path())).includes('memberd-data/manifest.json'));
    await outcome.filter({ hasText: 'Your data is ready' }).waitFor();
    await expectFocus(other, 'data-download-outcome');
    assert.doesNotMatch(other.url(), /token=/);

    // A link that does not work (here: one letter more) says so, with the way to ask again.
    await other.goto(`${large.base}${link}x`);
    await other.locator('[data-testid=mailed-download]').click();
    await outcome.filter({ hasText: 'This link no longer works' }).waitFor();
    await expectFocus(other, 'data-download-outcome');
    await other.locator('[data-testid=ask-again]').click();
    await other.locator('[data-testid=data-download-card]').waitFor();
    await expectFocus(other, 'data-download');

    // A session that ends before the press: sign-in, then back to the
    // link's page, where the step-up comes first, then the download.
    await other.goto(`${large.base}${link}`);
    await other.locator('[data-testid=mailed-card]').waitFor();
    await endMemberSessionsAsAdmin(other, large.base);
    await other.locator('[data-testid=mailed-download]').click();
    await other.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
    await other.locator('#field-email').fill(email);
    await other.locator('#field-password').fill(PASSWORD);
    await other.locator('[data-testid=signin-submit]').click();
    await stepUp(other);
    await other.locator('[data-testid=mailed-card]').waitFor();
    const again = other.waitForEvent('download');
    await other.locator('[data-testid=mailed-download]').click();
    await again;
    await outcome.filter({ hasText: 'Your data is ready' }).waitFor();
  } finally {
    await context.close();
    await large.stop();
  }
});

test('"Close my account" asks once more, signs out and says until when; signing in offers to keep it', async () => {
  await page.locator('[data-testid=close-account]').click();
  await expectFocus(page, 'close-confirm-question');
  assert.match(await page.locator('[data-testid=close-confirm-question]').innerText(), /erased in 14 days/);
  await page.locator('[data-testid=close-confirm-yes]').click();
  await page.locator('[data-testid=closing-card]').waitFor();
  await expectFocus(page, 'closing-heading');
  assert.match(await page.locator('[data-testid=closing-when]').innerText(), /It will be closed on \d{4}-\d\d-\d\d/);
  await page.locator('[data-testid=current-user]').waitFor({ state: 'hidden' });
  await shots('your-data-closing');

  // Back within the grace: the shell says so on every page, with the way back.
  await signInMember(page, base, MEMBER, PASSWORD);
  const banner = page.locator('[data-testid=closing-banner]');
  await banner.waitFor();
  assert.match(await banner.innerText(), /set to close on/);
  await shots('your-data-closing-banner');
  await page.locator('[data-testid=closing-keep]').focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=notice]').filter({ hasText: 'Your account stays open.' }).waitFor();
  await expectFocus(page, 'notice');
  await banner.waitFor({ state: 'hidden' });
  const closure = await page.evaluate(async () => (await fetch('/api/v1/me/closure')).json());
  assert.equal(closure.closes_at, null);
});

test('a session that ends while the page is open leads to sign-in with a notice, then back to the page', async () => {
  // Signed in again above (a new session): the page asks for the step-up.
  // Loaded afresh: the page may be this one already (signing in went back
  // to it), and a click on its own menu entry would draw it again while
  // the old form still showed, so the sessions could end mid-draw.
  await page.goto(`${base}/account/#/credentials/your-data`);
  await page.reload();
  await page.locator(OWN_STEP_UP).waitFor();
  await expectFocus(page, 'field-current_password');
  await endMemberSessionsAsAdmin(page, base);
  await page.locator('#field-current_password').fill(PASSWORD);
  await page.locator('#field-answer').fill(ANSWER);
  await page.locator('[data-testid=stepup-submit]').click();
  await page.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
  await expectFocus(page, 'field-email');
  await page.locator('#field-email').fill(MEMBER);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('[data-testid=signin-submit]').click();
  await page.waitForURL(/#\/credentials\/your-data$/);
  // A new session: the step-up is asked again before anything is given.
  await page.locator(OWN_STEP_UP).waitFor();
  await expectFocus(page, 'field-current_password');
});

test('the pages raise no script error and have no serious accessibility violation', () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(a11y, []);
});
