#!/usr/bin/env node
// The `vigil` command. The CLI is TypeScript compiled to dist/ by `npm run build`
// (which `npm install` runs through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const entry = path.join(root, 'dist', 'main', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write('vigil: the CLI is not built yet; run "npm run build" in ' + root + '\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
