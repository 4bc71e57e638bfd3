// The email_service plugin's member page in a real browser: the seed's
// three categories with a switch each, saved at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accessibilityProblems, joinMember, openBrowser, screenshot, signInMember, startDaemon, expectFocus, tabTo } from './harness.js';

const MEMBER = 'subscriber@example.com';
const PASSWORD = 'violet tangerine orbit 4821';
let daemon, base, browser, page, pageErrors;
const a11y = [];

before(async () => {
  daemon = await startDaemon(['credentials', 'email_service']);
  base = daemon.base;
  await joinMember(base, MEMBER, PASSWORD);
  ({ browser, page, errors: pageErrors } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('Email Service: the member switches off Trade Alerts and it stays off', async () => {
  await signInMember(page, base, MEMBER, PASSWORD);
  const menu = page.locator('[data-testid=menu-email_service-email-service]');
  await menu.click();
  for (const id of ['trade_alerts', 'membership_services', 'notifications']) {
    await page.locator(`[data-testid=category-${id}]`).waitFor();
    assert.equal(await page.locator(`[data-testid=subscription-${id}]`).isChecked(), true);
  }
  assert.deepEqual(await page.locator('.email-category h2').allInnerTexts(),
    ['Trade Alerts', 'Membership Services', 'Notifications']);
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await screenshot(page, `email-service-${width}`);
    a11y.push(...(await accessibilityProblems(page)).map((p) => `email-service @${width}: ${p}`));
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // Keyboard only: from the page's heading, Tab to the switch and press Space.
  await page.locator('#main h1').focus();
  await tabTo(page, 'subscription-trade_alerts');
  await page.keyboard.press('Space');
  await page.locator('[data-testid=subscriptions-status]').filter({ hasText: 'no longer get Trade Alerts' }).waitFor();
  // The focus stayed on the switch: the next Tab goes on from there.
  await expectFocus(page, 'subscription-trade_alerts');
  await page.keyboard.press('Tab');
  await expectFocus(page, 'subscription-membership_services');
  await page.reload();
  await page.locator('[data-testid=category-trade_alerts]').waitFor();
  assert.equal(await page.locator('[data-testid=subscription-trade_alerts]').isChecked(), false);
  assert.equal(await page.locator('[data-testid=subscription-notifications]').isChecked(), true);
  const api = await page.evaluate(async () => (await fetch('/api/v1/me/email-subscriptions')).json());
  assert.equal(api.categories.find((c) => c.id === 'trade_alerts').subscribed, false);
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
