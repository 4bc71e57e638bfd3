// Imports one of the browser's ES modules (console/*.js) into Node for a
// test of its rules. Node reads a .js file outside a "type": "module"
// package as CommonJS (Debian 12's Node 18 does not look for `export`), so
// the source goes in as a data: URL, which is always a module. Only for
// modules without imports of their own (a data: URL has no folder to
// resolve them from).
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

export function importBrowserModule(relativeToRepo) {
  const source = readFileSync(path.join(here, '../..', relativeToRepo), 'utf8');
  return import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
}
