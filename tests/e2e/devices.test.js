// Your Devices (the security_level plugin) in a real browser: the member's
// sessions with their place, this one marked; signing one out from the
// keyboard, after which that browser's next click lands on sign-in;
// "Sign out everywhere else" with its question; and the page when its own
// session has ended. Places come from MaxMind's test databases through a
// trusted proxy header (the daemon trusts 127.0.0.1 here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  GEO_DIR, checkBothWidths, endMemberSessionsAsAdmin, expectFocus, joinMember, openBrowser, signInMember,
  startDaemon, tabTo,
} from './harness.js';

const MEMBER = 'devices@example.com';
const MEMBER_PASSWORD = 'copper lantern meadow 5190';
const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const SAFARI_ON_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
let daemon, base, browser, page, pageErrors;
let laptop, phone;

const a11y = [];
async function shots(name) {
  a11y.push(...(await checkBothWidths(page, name)));
}

// A sign-in through the API, as if from `ip` with `userAgent`: another of the member's devices.
async function signInElsewhere(ip, userAgent) {
  const res = await fetch(`${base}/api/v1/session`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip, 'User-Agent': userAgent },
    body: JSON.stringify({ email: MEMBER, password: MEMBER_PASSWORD }) });
  assert.equal(res.status, 201);
  return (await res.json()).token;
}

const live = async (token) =>
  (await fetch(`${base}/api/v1/session`, { headers: { Authorization: `Bearer ${token}` } })).status === 200;

before(async () => {
  daemon = await startDaemon(['credentials', 'security_level'], [
    `geo.city_db=${GEO_DIR}/GeoIP2-City-Test.mmdb`, `geo.anonymous_db=${GEO_DIR}/GeoIP2-Anonymous-IP-Test.mmdb`,
    'http.trusted_proxies=[127.0.0.1]',
  ]);
  base = daemon.base;
  await joinMember(base, MEMBER, MEMBER_PASSWORD);
  // A second apart: sessions are ordered by when they opened, in whole seconds.
  laptop = await signInElsewhere('2001:218::1', FIREFOX_ON_LINUX);
  await new Promise((r) => setTimeout(r, 1100));
  phone = await signInElsewhere('81.2.69.142', SAFARI_ON_IOS);
  await new Promise((r) => setTimeout(r, 1100));
  ({ browser, page, errors: pageErrors } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('Your Devices lists each session with its place, this one first and marked', async () => {
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': '1.124.213.1' });
  await signInMember(page, base, MEMBER, MEMBER_PASSWORD);
  await page.locator('[data-testid=menu-security_level-devices]').click();
  await page.locator('[data-testid=device]').nth(2).waitFor();
  // The page's heading has the focus, as on every page the menu opens.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1' &&
    document.activeElement.textContent === 'Your Devices');

  const cards = page.locator('[data-testid=device]');
  assert.equal(await cards.count(), 3);
  const mine = cards.nth(0);
  assert.equal(await mine.getAttribute('data-current'), 'true');
  assert.equal(await mine.locator('[data-testid=this-device]').innerText(), 'This device');
  assert.match(await mine.locator('[data-testid=device-place]').innerText(), /^Anonymous Proxy/);
  assert.match(await mine.innerText(), /Chrome on Linux/);
  assert.equal(await mine.locator('[data-testid=sign-out-device]').count(), 0);
  const iphone = cards.nth(1);
  assert.match(await iphone.locator('h2').innerText(), /^Safari on iOS/);
  // MaxMind's test data marks London's 81.2.69.0/24 as an anonymous proxy.
  assert.match(await iphone.locator('[data-testid=device-place]').innerText(), /^Anonymous Proxy \(a VPN or proxy/);
  assert.match(await iphone.innerText(), /81\.2\.69\.142/);
  assert.match(await iphone.innerText(), /\d{4}-\d\d-\d\d \d\d:\d\d GMT/);
  const linux = cards.nth(2);
  assert.match(await linux.locator('h2').innerText(), /^Firefox on Linux/);
  assert.equal(await linux.locator('[data-testid=device-place]').innerText(), 'Japan');
  await shots('devices');
});

test('signing a device out from the keyboard says so, focused, and that device is out at once', async () => {
  // The first Sign out button is the iPhone's (the newest after this one).
  await tabTo(page, 'sign-out-device');
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
    /^Sign out Safari on iOS \(Anonymous Proxy, signed in \d{4}-\d\d-\d\d \d\d:\d\d GMT\)$/);
  await page.keyboard.press('Enter');
  await expectFocus(page, 'devices-outcome');
  assert.equal(await page.locator('[data-testid=devices-outcome]').innerText(),
    'Safari on iOS is signed out. It will need your password to get back in.');
  assert.equal(await page.locator('[data-testid=device]').count(), 2);
  assert.equal(await live(phone), false);
  assert.equal(await live(laptop), true);
  await shots('devices-signed-out-one');
});

test("a browser signed out from another lands on sign-in at its next click", async () => {
  const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await signInMember(other, base, MEMBER, MEMBER_PASSWORD);
    await other.locator('[data-testid=menu-security_level-devices]').click();
    await other.locator('[data-testid=device]').first().waitFor();
    // From the first browser, the list drawn again (the other one is new).
    await page.locator('[data-testid=menu-security_level-security-level]').click();
    await page.locator('[data-testid=menu-security_level-devices]').click();
    const itsCard = page.locator('[data-testid=device][data-current=false]').first();
    await itsCard.waitFor();
    assert.match(await itsCard.locator('h2').innerText(), /^Chrome on Linux/);
    await itsCard.locator('[data-testid=sign-out-device]').click();
    await expectFocus(page, 'devices-outcome');

    await other.locator('[data-testid=menu-security_level-security-level]').click();
    await other.waitForURL(/#\/credentials\/sign-in$/);
    await other.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
  } finally {
    await other.close();
  }
});

test('Sign out everywhere else asks first, then leaves only this device', async () => {
  await page.locator('[data-testid=menu-security_level-security-level]').click();
  await page.locator('[data-testid=menu-security_level-devices]').click();
  await page.locator('[data-testid=sign-out-others]').click();
  await expectFocus(page, 'sign-out-others-question');
  // Cancel gives the focus back to the button and ends nothing.
  await page.locator('[data-testid=sign-out-others-no]').click();
  await expectFocus(page, 'sign-out-others');
  assert.equal(await live(laptop), true);

  await page.locator('[data-testid=sign-out-others]').click();
  await page.locator('[data-testid=sign-out-others-yes]').click();
  await expectFocus(page, 'devices-outcome');
  assert.equal(await page.locator('[data-testid=devices-outcome]').innerText(),
    'Signed out of 1 other device. Only this one is signed in now.');
  assert.equal(await page.locator('[data-testid=device]').count(), 1);
  await page.locator('[data-testid=no-other-devices]').waitFor();
  assert.equal(await live(laptop), false);
  await shots('devices-only-this-one');
});

test('two sessions of one browser have buttons a screen reader tells apart', async () => {
  await signInElsewhere('2001:218::1', FIREFOX_ON_LINUX);
  await signInElsewhere('81.2.69.142', FIREFOX_ON_LINUX);
  await page.locator('[data-testid=menu-security_level-security-level]').click();
  await page.locator('[data-testid=menu-security_level-devices]').click();
  const buttons = page.locator('[data-testid=sign-out-device]');
  await buttons.nth(1).waitFor();
  const labels = await buttons.evaluateAll((all) => all.map((b) => b.getAttribute('aria-label')));
  assert.equal(labels.length, 2);
  assert.notEqual(labels[0], labels[1]);
  for (const label of labels) assert.match(label, /^Sign out Firefox on Linux \((Japan|Anonymous Proxy), signed in /);
  await shots('devices-same-browser-twice');
});

test('when this session has ended, a click on the page leads to sign-in with a notice', async () => {
  const signOut = page.locator('[data-testid=sign-out-device]').first();
  await signOut.waitFor();
  await endMemberSessionsAsAdmin(page, base);
  await signOut.click();
  await page.waitForURL(/#\/credentials\/sign-in$/);
  await page.locator('[data-testid=notice]').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
