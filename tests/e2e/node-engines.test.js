// The check scripts/test.sh runs before the browser tests: which Node.js
// versions it lets through for the ranges npm packages declare, and what it
// says about the lock file we ship.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { satisfies, parseVersion } = require('./node-engines.cjs');
const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'node-engines.cjs');
const met = (version, range) => satisfies(parseVersion(version), range).met;

test('the ranges npm packages put in engines.node', () => {
  assert.equal(met('18.20.4', '>=18'), true);
  assert.equal(met('18.20.4', '>=20'), false);
  assert.equal(met('20.0.0', '>=20'), true);
  assert.equal(met('18.20.4', '^18.17.0 || >=20.5.0'), true);
  assert.equal(met('18.16.0', '^18.17.0 || >=20.5.0'), false);
  assert.equal(met('19.0.0', '^18.17.0 || >=20.5.0'), false);
  assert.equal(met('16.0.0', '>=14 <17'), true);
  assert.equal(met('17.0.0', '>=14 <17'), false);
  assert.equal(met('18.1.0', '~18.1'), true);
  assert.equal(met('18.2.0', '~18.1'), false);
  assert.equal(met('18.9.9', '18.x'), true);
  assert.equal(met('19.0.0', '<=18'), false);
  assert.equal(met('18.5.0', '<=18'), true);
  assert.equal(met('18.5.0', '>18'), false);
  assert.equal(met('19.0.0', '>18'), true);
  assert.equal(met('18.5.0', '16 - 18'), true);
  assert.equal(met('19.0.0', '16 - 18'), false);
  assert.equal(met('22.1.0', '*'), true);
  assert.equal(met('0.4.0', '^0.3'), false);
});

test('a range it cannot read counts as unmet, never as met', () => {
  const r = satisfies(parseVersion('20.0.0'), 'node20-or-so');
  assert.deepEqual(r, { met: false, understood: false });
});

function runOn(lock, version) {
  const dir = mkdtempSync(path.join(tmpdir(), 'memberd-engines-'));
  try {
    const file = path.join(dir, 'package-lock.json');
    writeFileSync(file, JSON.stringify(lock));
    return spawnSync(process.execPath, [script, '--lock', file, '--node-version', version], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a lock file with a package too new for this Node.js fails and names it', () => {
  const lock = { packages: { '': {}, 'node_modules/playwright-core': { version: '1.65.1', engines: { node: '>=20' } } } };
  const r = runOn(lock, '18.20.4');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /playwright-core@1\.65\.1 needs Node\.js >=20; this is Node\.js 18\.20\.4/);
  assert.equal(runOn(lock, '20.1.0').status, 0);
});

test('the shipped lock file runs on Debian 12\'s Node.js 18.20.4 and on newer ones', () => {
  for (const version of ['18.20.4', '20.20.2', '22.0.0']) {
    execFileSync(process.execPath, [script, '--node-version', version]);
  }
});
