// How the console's review page takes a kind's view of an item
// (console/reviews.js, whatChanges): the view's node when it draws one, the
// field table when it throws, gives no DOM node, or never settles — a view
// that hangs must not keep Approve and Reject from the admin. Plain Node,
// with the kit stubbed: no browser is needed to decide which is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBrowserModule } from './browser-module.js';

globalThis.Node = class Node {};
const { whatChanges } = await importBrowserModule('console/reviews.js');

const TABLE = { table: true };
const kit = { el: () => ({}), table: () => TABLE };
const item = { kind: 'hello.motto', fields: { text: 'new' }, published_fields: { text: 'old' } };
const kinds = (render) => new Map([['hello.motto', { view: { render } }]]);

test("the kind's own view when it draws a node", async () => {
  const drawn = new Node();
  assert.equal(await whatChanges(kinds(async () => drawn), item, kit, 50), drawn);
});

test('the field table when the view throws or draws no node', async () => {
  assert.equal(await whatChanges(kinds(() => { throw new Error('bug'); }), item, kit, 50), TABLE);
  assert.equal(await whatChanges(kinds(async () => 'text'), item, kit, 50), TABLE);
  assert.equal(await whatChanges(new Map(), item, kit, 50), TABLE);
});

test('the field table when the view never settles, after the patience', async () => {
  const started = Date.now();
  assert.equal(await whatChanges(kinds(() => new Promise(() => {})), item, kit, 100), TABLE);
  assert.ok(Date.now() - started >= 90);
});
