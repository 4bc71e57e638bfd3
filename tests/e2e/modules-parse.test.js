// Every browser module the daemon serves (the console's, the member
// shell's, each plugin's pages and panels) parses as an ES module: a syntax
// error would otherwise show only as a page that never draws, in the one
// browser test that opens it, after a timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs = ['console', 'daemon/account_web',
  ...readdirSync(path.join(repo, 'plugins')).map((p) => `plugins/${p}/ui`),
  ...readdirSync(path.join(repo, 'sdk/examples')).map((p) => `sdk/examples/${p}/ui`)];

const jsIn = (dir) => readdirSync(path.join(repo, dir)).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f));
const modules = dirs.flatMap((dir) => {
  try {
    return jsIn(dir);
  } catch {
    return [];  // a plugin without pages
  }
});

test('the shells and the plugins with pages are all found', () => {
  for (const dir of ['console', 'daemon/account_web', 'plugins/credentials/ui', 'plugins/two_step/ui'])
    assert.ok(jsIn(dir).length > 0, dir);
  assert.ok(modules.length > 20);
});

for (const file of modules) {
  test(`${file} parses as an ES module`, () => {
    const source = readFileSync(path.join(repo, file));
    // node --check with the source on stdin as a module: parses, runs nothing.
    execFileSync(process.execPath, ['--input-type=module', '--check'], { input: source, stdio: ['pipe', 'pipe', 'pipe'] });
  });
}
