// Fails when src/client is not what `npm run generate` makes from ./openapi.json right now.
// Regenerates into a temporary folder (the work tree is left alone) and compares every file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'src', 'client');
const fresh = mkdtempSync(join(tmpdir(), 'openapi-client-'));

function files(dir) {
  const out = new Map();
  const walk = (current) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  try {
    walk(dir);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return out;
}

try {
  const bin = join(root, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js');
  const run = spawnSync(process.execPath, [bin, '--silent', '--no-log-file', '--output', fresh], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error('openapi-ts failed');
    process.exit(run.status ?? 1);
  }

  const expected = files(fresh);
  const actual = files(committed);
  const problems = [];
  for (const [path, text] of expected) {
    if (!actual.has(path)) problems.push(`missing: src/client/${path}`);
    else if (actual.get(path) !== text) problems.push(`differs: src/client/${path}`);
  }
  for (const path of actual.keys()) {
    if (!expected.has(path)) problems.push(`not generated: src/client/${path}`);
  }

  if (problems.length > 0) {
    console.error('The generated API client is stale:');
    for (const line of problems) console.error(`  ${line}`);
    console.error(
      'Run `make client` (or `npm run generate` after updating openapi.json) and commit.',
    );
    process.exit(1);
  }
  console.log(`src/client is up to date with openapi.json (${expected.size} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
