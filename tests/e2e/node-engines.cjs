// Can this Node.js run the browser tests' packages? The `engines.node` field
// of every package in package-lock.json says which Node.js it needs; this
// checks the running (or a given) version against each of them, so that
// scripts/test.sh stops early with a clear message instead of playwright
// failing deep inside a test.
//
//   node node-engines.cjs [--lock FILE] [--node-version X.Y.Z]
//
// Exit 0: every range is met. Exit 1: some are not (one line each on
// stderr). Exit 2: the lock file or a range cannot be read; a range this
// does not understand counts as unmet, never as met.
//
// Plain CommonJS with no dependencies on purpose: it has to run on whatever
// Node.js a machine has, including ones too old for the tests themselves.
'use strict';

const fs = require('fs');
const path = require('path');

// "1", "1.2", "1.2.3", "1.x", "v1.2.3-pre" -> [major, minor, patch] with
// null for a wildcard; undefined when it is not a version at all.
function parseVersion(text) {
  const m = /^v?(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(?:-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) return undefined;
  const part = (p) => (p === undefined || p === 'x' || p === '*' ? null : Number(p));
  const parts = [part(m[1]), part(m[2]), part(m[3])];
  // Once a part is a wildcard, all that follow are too ("1.x.3" is "1.x").
  for (let i = 1; i < 3; i++) if (parts[i - 1] === null) parts[i] = null;
  return parts;
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

// The lowest version a partial one stands for, and the first one past it:
// "1.2" -> [1.2.0, 1.3.0); "1" -> [1.0.0, 2.0.0); "*" -> everything.
function bounds(parts) {
  const low = parts.map((p) => (p === null ? 0 : p));
  const fixed = parts.filter((p) => p !== null).length;
  if (fixed === 0) return [low, null];
  if (fixed === 3) return [low, [low[0], low[1], low[2] + 1]];
  const high = low.slice();
  high[fixed - 1] += 1;
  for (let i = fixed; i < 3; i++) high[i] = 0;
  return [low, high];
}

// One comparator ("<20", "^18.17", "~1.2", "18.x") -> a test of a version,
// or undefined when it is not understood.
function comparator(token) {
  const m = /^(>=|<=|>|<|=|\^|~)?(.+)$/.exec(token);
  if (!m) return undefined;
  const op = m[1] || '=';
  const parts = parseVersion(m[2]);
  if (!parts) return undefined;
  const [low, high] = bounds(parts);
  switch (op) {
    case '>=': return (v) => compare(v, low) >= 0;
    case '>': return high ? (v) => compare(v, high) >= 0 : () => false;
    case '<': return (v) => compare(v, low) < 0;
    case '<=': return high ? (v) => compare(v, high) < 0 : () => true;
    case '=': return (v) => compare(v, low) >= 0 && (!high || compare(v, high) < 0);
    case '~': {
      const top = parts[1] === null ? [low[0] + 1, 0, 0] : [low[0], low[1] + 1, 0];
      return (v) => compare(v, low) >= 0 && compare(v, top) < 0;
    }
    case '^': {
      // The first non-zero part may not change: ^18.2 is <19, ^0.3 is <0.4.
      let top;
      if (low[0] > 0 || parts[1] === null) top = [low[0] + 1, 0, 0];
      else if (low[1] > 0 || parts[2] === null) top = [0, low[1] + 1, 0];
      else top = [0, 0, low[2] + 1];
      return (v) => compare(v, low) >= 0 && compare(v, top) < 0;
    }
  }
  return undefined;
}

// A whole range: alternatives joined by "||", each a list of comparators
// that must all hold, or a hyphen range "A - B".
function satisfies(version, range) {
  const alternatives = range.split('||').map((s) => s.trim());
  let understood = true;
  for (const alternative of alternatives) {
    let tokens;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(alternative);
    if (hyphen) tokens = ['>=' + hyphen[1], '<=' + hyphen[2]];
    else if (alternative === '') tokens = ['*'];
    else tokens = alternative.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/);
    const tests = tokens.map(comparator);
    if (tests.some((t) => t === undefined)) {
      understood = false;
      continue;
    }
    if (tests.every((t) => t(version))) return { met: true, understood: true };
  }
  return { met: false, understood };
}

function main(argv) {
  let lockFile = path.join(__dirname, 'package-lock.json');
  let nodeVersion = process.versions.node;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--lock' && i + 1 < argv.length) lockFile = argv[++i];
    else if (argv[i] === '--node-version' && i + 1 < argv.length) nodeVersion = argv[++i];
    else {
      process.stderr.write('usage: node node-engines.cjs [--lock FILE] [--node-version X.Y.Z]\n');
      return 2;
    }
  }
  const version = parseVersion(nodeVersion);
  if (!version || version.includes(null)) {
    process.stderr.write(`node-engines: "${nodeVersion}" is not a Node.js version\n`);
    return 2;
  }
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  } catch (e) {
    process.stderr.write(`node-engines: cannot read ${lockFile}: ${e.message}\n`);
    return 2;
  }
  const packages = lock.packages || {};
  let status = 0;
  for (const key of Object.keys(packages)) {
    const engines = packages[key].engines;
    const range = engines && engines.node;
    if (typeof range !== 'string') continue;
    const name = key === '' ? '(the test package itself)' : key.replace(/^.*node_modules\//, '');
    const result = satisfies(version, range);
    if (result.met) continue;
    const pinned = packages[key].version ? `@${packages[key].version}` : '';
    if (!result.understood) {
      process.stderr.write(`node-engines: ${name}${pinned} needs Node.js "${range}", which this check cannot read\n`);
      status = 2;
    } else {
      process.stderr.write(`node-engines: ${name}${pinned} needs Node.js ${range}; this is Node.js ${nodeVersion}\n`);
      if (status === 0) status = 1;
    }
  }
  return status;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { satisfies, parseVersion };
