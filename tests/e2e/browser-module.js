// Imports one of the browser's ES modules (console/*.js) into Node for a
// test of its rules. Node reads a .js file outside a "type": "module"
// package as CommonJS (Debian 12's Node 18 does not look for `export`), so
// the source goes in as a data: URL, which is always a module. A data: URL
// has no folder to resolve imports from, so each relative import
// ('./passkeys.js') is itself turned into a data: URL first.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

function asDataUrl(file) {
  const source = readFileSync(file, 'utf8').replace(/(from\s+)'(\.\/[^']+)'/g,
    (_, from, relative) => `${from}'${asDataUrl(path.join(path.dirname(file), relative))}'`);
  return `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
}

export function importBrowserModule(relativeToRepo) {
  return import(asDataUrl(path.join(here, '../..', relativeToRepo)));
}
