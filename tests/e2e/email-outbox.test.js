// The email_service plugin in a real browser, mailing through a real SMTP
// relay on loopback (Debian's aiosmtpd, tests/support/smtp_relay.py): a
// member who switched off Trade Alerts is skipped by a category send made
// in the console's Outbox; a message the relay refused shows as failed with
// its error and is retried from there; the unsubscribe link's page asks
// before it unsubscribes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN, checkBothWidths, joinMember, openBrowser, signInAdmin, signInMember, startDaemon, expectFocus, tabTo } from './harness.js';

const RELAY = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../support/smtp_relay.py');
const PASSWORD = 'violet tangerine orbit 4821';
const OFF = 'switched-off@example.com';
const ON = 'buyer@example.com';
let relay, relayDir, daemon, base, browser, page, pageErrors;
const a11y = [];

const freePort = () => new Promise((resolve) => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

async function until(what, check, ms = 15000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// What the relay accepted: [{rcpt_tos, data}, ...].
const relayed = () => readdirSync(relayDir).filter((n) => /^\d+\.json$/.test(n))
  .map((n) => JSON.parse(readFileSync(path.join(relayDir, n), 'utf8')));

const join = (email) => joinMember(base, email, PASSWORD);

async function checkPage(name) {
  a11y.push(...(await checkBothWidths(page, name)));
}

before(async () => {
  relayDir = mkdtempSync(path.join(tmpdir(), 'memberd-e2e-relay-'));
  const port = await freePort();
  relay = spawn('/usr/bin/python3', [RELAY, '--port', String(port), '--dir', relayDir], { stdio: 'inherit' });
  await until('the relay', () => existsSync(path.join(relayDir, 'ready')));
  daemon = await startDaemon(['credentials', 'email_service'],
    [`mail.transport=smtp://127.0.0.1:${port}`, 'mail.retry_first_delay=1s', 'mail.retry_max_delay=2s']);
  base = daemon.base;
  await join(OFF);
  await join(ON);
  // The welcome mails go out first: the relay must have them before a
  // refusal is scripted for the send.
  await until('the welcome mails', () => relayed().length >= 2);
  ({ browser, page, errors: pageErrors } = await openBrowser());
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  relay?.kill('SIGTERM');
  if (relayDir) rmSync(relayDir, { recursive: true, force: true });
});

test('a member switches off Trade Alerts', async () => {
  await signInMember(page, base, OFF, PASSWORD);
  await page.locator('[data-testid=menu-email_service-email-service]').click();
  await page.locator('[data-testid=subscription-trade_alerts]').check();  // already on: a no-op
  await page.locator('[data-testid=subscription-trade_alerts]').uncheck();
  await page.locator('[data-testid=subscriptions-status]').filter({ hasText: 'no longer get Trade Alerts' }).waitFor();
  await page.context().clearCookies();
});

test('the console sends Trade Alerts to subscribers only; a refused message is failed and retried', async () => {
  await signInAdmin(page, base);
  await page.locator('[data-testid=nav-plugin-email_service-outbox]').click();

  // No category is chosen for the admin; once one is: how many will get it
  // (the admin, the buyer).
  assert.equal(await page.locator('#ob-category').inputValue(), '');
  // The whole send from the keyboard: each field reached with Tab.
  await page.locator('#main h1').focus();
  await tabTo(page, 'ob-category');
  await page.keyboard.type('Trade');  // a drop-down picks by typing
  assert.equal(await page.locator('#ob-category option:checked').innerText(), 'Trade Alerts');
  const audience = page.locator('[data-testid=send-audience]');
  await audience.filter({ hasText: '2 of 3 members will get it (1 switched Trade Alerts off).' }).waitFor();
  await checkPage('outbox');

  // A field left empty is named beside the field, the focus on it, and nothing is sent.
  await tabTo(page, 'ob-subject');
  await page.keyboard.type('This week’s buying leads');
  await tabTo(page, 'send-submit');
  await page.keyboard.press('Enter');
  await page.locator('#ob-text-error').filter({ hasText: 'required' }).waitFor();
  assert.equal(await page.locator('#ob-text').getAttribute('aria-invalid'), 'true');
  await expectFocus(page, 'ob-text');

  // The relay refuses the first message of the send for good.
  writeFileSync(path.join(relayDir, 'replies'), '550 5.1.1 Mailbox unavailable\n');
  const before = relayed().length;
  await page.keyboard.type('Hello {{email}}: 12 new requests for quotation in bearings.');
  // Asked first, in words that name what will happen; "Cancel" sends
  // nothing and gives the focus back to the button.
  await tabTo(page, 'send-submit');
  await page.keyboard.press('Enter');
  const question = page.locator('[data-testid=send-confirm-question]');
  await question.filter({ hasText: 'Send “This week’s buying leads” to 2 members of Trade Alerts?' }).waitFor();
  await expectFocus(page, 'send-confirm-question');
  await checkPage('outbox-confirm');
  await tabTo(page, 'send-confirm-no');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'send-submit');
  assert.equal(relayed().length, before);
  await page.keyboard.press('Enter');
  await expectFocus(page, 'send-confirm-question');
  await tabTo(page, 'send-confirm-yes');
  await page.keyboard.press('Enter');
  // Focus on what happened, not lost with the question.
  await page.locator('[data-testid=send-message]').filter({ hasText: 'The send has started.' }).waitFor();
  await expectFocus(page, 'send-message');
  await page.locator('[data-testid=send-finished]').waitFor({ timeout: 20000 });
  assert.match(await page.locator('[data-testid=send-queuing]').innerText(), /Queued 2; 1 skipped/);
  assert.match(await page.locator('[data-testid=send-delivery]').innerText(), /1 sent.*1 failed/s);
  await checkPage('outbox-sent');
  // On a phone each message is a card: its table scrolls nothing sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  const sideways = await page.locator('[data-testid=outbox-table]').evaluate((t) => {
    const wrap = t.closest('.table-wrap');
    return wrap.scrollWidth - wrap.clientWidth;
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.equal(sideways, 0, 'the messages table is wider than a 360 px screen');
  const delivered = relayed().slice(before);
  assert.equal(delivered.length, 1);
  assert.ok(!relayed().some((m) => m.rcpt_tos.includes(OFF) && m.data.includes('bearings')), 'skipped the member who switched off');

  // The failed one, with the relay's words, and its retry.
  const failed = page.locator('[data-testid=outbox-row][data-status=failed]');
  await failed.first().waitFor();
  assert.equal(await failed.count(), 1);
  assert.match(await failed.locator('[data-testid=outbox-error]').innerText(), /550/);
  await failed.locator('[data-testid=outbox-retry]').focus();
  await page.keyboard.press('Enter');
  await failed.locator('.outcome').filter({ hasText: 'Queued again.' }).waitFor();
  await until('the retried message at the relay', () => relayed().slice(before).length === 2);
  const got = relayed().slice(before).flatMap((m) => m.rcpt_tos).sort();
  assert.deepEqual(got, [ADMIN, ON].sort());
  await page.locator('[data-testid=outbox-status]').selectOption('failed');
  await page.locator('[data-testid=outbox-line]').filter({ hasText: 'No messages here.' }).waitFor();
});

test('the unsubscribe link asks first and unsubscribes on the button', async () => {
  await page.context().clearCookies();
  const mail = relayed().find((m) => m.rcpt_tos.includes(ON) && m.data.includes('bearings'));
  assert.ok(mail, 'the buyer got the send');
  assert.match(mail.data, /\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
  const link = mail.data.match(/https?:\/\/[^\s]*\/account\/#\/email_service\/unsubscribe\?token=[A-Za-z0-9._-]+/)[0];
  await page.goto(`${base}${link.slice(link.indexOf('/account/'))}`);
  const confirm = page.locator('[data-testid=unsubscribe-confirm]');
  await confirm.waitFor();
  assert.match(await page.locator('[data-testid=unsubscribe-form]').innerText(), /Stop sending Trade Alerts to b•••@example\.com\?/);
  await checkPage('unsubscribe');
  // Opening the page changed nothing.
  const status = async () => {
    const r = await fetch(`${base}/api/v1/email/unsubscribe?token=${link.split('token=')[1]}`,
      { headers: { Accept: 'application/json' } });
    return (await r.json()).subscribed;
  };
  assert.equal(await status(), true);
  await confirm.click();
  await page.locator('[data-testid=unsubscribe-done]').filter({ hasText: 'will no longer get Trade Alerts' }).waitFor();
  assert.equal(await status(), false);

  // A link that was tampered with says so in words.
  await page.goto(`${base}/account/#/email_service/unsubscribe?token=1.nope`);
  await page.locator('[data-testid=unsubscribe-failed]').filter({ hasText: 'not valid' }).waitFor();
});

test('no page broke a rule of accessibility or threw', () => {
  assert.deepEqual(a11y, []);
  assert.deepEqual(pageErrors, []);
});
