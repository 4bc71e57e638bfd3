// Upload My Photo and the console's Reviews in a real browser: a member
// sees the limits, picks a text file named .jpg (refused in words next to
// the field), then a real JPEG drawn by Chromium itself: preview, upload,
// pending. An admin approves it beside the (absent) current photo; the
// public URL serves it and the member page shows it published.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkBothWidths, joinMember, openBrowser, signInAdmin, signInMember, startDaemon, expectFocus, tabTo } from './harness.js';

const MEMBER = 'photographer@example.com';
const PASSWORD = 'violet tangerine orbit 4821';
let daemon, base, browser, page, pageErrors, memberId;
const a11y = [];

before(async () => {
  daemon = await startDaemon(['credentials', 'photo']);
  base = daemon.base;
  memberId = await joinMember(base, MEMBER, PASSWORD);
  ({ browser, page, errors: pageErrors } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('a member is refused a text file in words, then uploads a photo and sees it pending', async () => {
  await signInMember(page, base, MEMBER, PASSWORD);
  await page.locator('[data-testid=menu-photo-photo]').click();
  const limits = page.locator('[data-testid=photo-limits]');
  await limits.waitFor();
  assert.match(await limits.innerText(), /JPEG, PNG, WebP or GIF of at most 5 MB/);
  assert.match(await page.locator('[data-testid=photo-none]').innerText(), /no photo/);
  a11y.push(...await checkBothWidths(page, 'photo-empty'));

  // From the keyboard: the file field reached with Tab (the system's file
  // chooser it opens is not the page's: the test hands the file over), then
  // Upload, and the focus back on the field the error is about.
  await tabTo(page, 'field-photo');
  await page.locator('[data-testid=photo-input]').setInputFiles(
    { name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a picture at all') });
  await tabTo(page, 'photo-upload');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=photo-error]').filter({ hasText: 'This file is not a picture we accept' }).waitFor();
  assert.equal(await page.locator('#field-photo').getAttribute('aria-invalid'), 'true');
  await expectFocus(page, 'field-photo');
  // No broken preview of it: the error says what is wrong instead.
  assert.equal(await page.locator('[data-testid=photo-preview]').isHidden(), true);
  a11y.push(...await checkBothWidths(page, 'photo-refused'));

  // A real JPEG, drawn on a canvas by the browser.
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 300;
    canvas.height = 200;
    const g = canvas.getContext('2d');
    g.fillStyle = '#c0392b';
    g.fillRect(0, 0, 300, 200);
    g.fillStyle = '#2980b9';
    g.beginPath();
    g.arc(150, 100, 70, 0, Math.PI * 2);
    g.fill();
    return canvas.toDataURL('image/jpeg', 0.9);
  });
  await page.locator('[data-testid=photo-input]').setInputFiles(
    { name: 'me.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(dataUrl.split(',')[1], 'base64') });
  await page.locator('[data-testid=photo-preview]:not([hidden])').waitFor();
  await tabTo(page, 'photo-upload');
  await page.keyboard.press('Enter');  // uploads from the keyboard
  await page.locator('[data-testid=photo-pending]').filter({ hasText: 'Pending review, due by' }).waitFor();
  assert.equal(await page.locator('[data-testid=photo-error]').innerText(), '');
  // The keyboard goes on from the photo just sent.
  await expectFocus(page, 'photo-pending');
  // The pending image itself loaded (its owner may see it).
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid=photo-pending] img');
    return img && img.complete && img.naturalWidth === 200;
  });
  a11y.push(...await checkBothWidths(page, 'photo-pending'));
  assert.equal((await fetch(`${base}/api/v1/members/${memberId}/photo`)).status, 404);  // nothing public yet
  await page.context().clearCookies();
});

test('an admin approves the photo in Reviews and the public URL serves it', async () => {
  await signInAdmin(page, base);
  await page.locator('[data-testid=nav-reviews]').click();
  await page.locator('[data-testid=review-figures]').filter({ hasText: '1 pending, 0 overdue' }).waitFor();
  await page.locator('[data-testid=review-open]').click();
  const newPhoto = page.locator('[data-testid=review-photo-new]');
  await newPhoto.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid=review-photo-new]');
    return img && img.complete && img.naturalWidth === 512;
  });
  assert.match(await page.locator('[data-testid=review-photos]').innerText(), /No current photo[\s\S]*uploaded as JPEG/);
  a11y.push(...await checkBothWidths(page, 'reviews-photo'));
  await page.locator('[data-testid=review-approve]').click();
  await page.locator('[data-testid=review-empty]').waitFor();

  let served = null;
  for (let i = 0; i < 50 && !served; i++) {
    const res = await fetch(`${base}/api/v1/members/${memberId}/photo?size=medium`, { headers: { Accept: 'image/webp' } });
    if (res.status === 200) served = res;
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(served, 'the approved photo was not published');
  assert.equal(served.headers.get('content-type'), 'image/webp');
  await page.context().clearCookies();

  await signInMember(page, base, MEMBER, PASSWORD);
  await page.locator('[data-testid=menu-photo-photo]').click();
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-testid=photo-published] img');
    return img && img.complete && img.naturalWidth === 200;
  });
  a11y.push(...await checkBothWidths(page, 'photo-published'));
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
