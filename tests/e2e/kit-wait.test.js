// The web kit's one rule for "how long to wait" (console/kit.js), which the
// console's sign-in and every credentials page say through
// kit.api()'s result.waitText: Retry-After as seconds or an HTTP-date, in
// words rounded up. Plain Node, no browser: the functions touch no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBrowserModule } from './browser-module.js';

const { retryAfterSeconds, waitText } = await importBrowserModule('console/kit.js');

test('Retry-After as seconds or an HTTP-date', () => {
  assert.equal(retryAfterSeconds('900'), 900);
  assert.equal(retryAfterSeconds(' 5 '), 5);
  assert.equal(retryAfterSeconds(null), 0);
  assert.equal(retryAfterSeconds('soon'), 0);
  assert.equal(retryAfterSeconds(new Date(Date.now() - 60_000).toUTCString()), 0);
  const inAMinute = retryAfterSeconds(new Date(Date.now() + 61_000).toUTCString());
  assert.ok(inAMinute >= 59 && inAMinute <= 61, String(inAMinute));
});

test('the wait in words, rounded up so the lock is gone when the member comes back', () => {
  assert.equal(waitText(0), '');
  assert.equal(waitText(1), '1 second');
  assert.equal(waitText(45), '45 seconds');
  assert.equal(waitText(60), '1 minute');
  assert.equal(waitText(61), '2 minutes');
  assert.equal(waitText(900), '15 minutes');
  assert.equal(waitText(89 * 60), '89 minutes');
  assert.equal(waitText(90 * 60), '2 hours');
  assert.equal(waitText(3 * 3600 + 1), '4 hours');
});
