// Writes a brotli (`.br`) and a gzip (`.gz`) copy next to every text file of the build, once, at
// the highest levels: the API (backend core/spa.py) sends one of them when the browser accepts
// it, so no request spends CPU on compression and each file is as small as it gets.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

import type { Plugin, ResolvedConfig } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text that compresses; images and fonts are compressed already, source maps are for devtools. */
const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|json|txt|xml|webmanifest|wasm)$/;
/** Below this a compressed copy saves less than the response headers weigh. */
const MIN_BYTES = 512;

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

async function compress(path: string): Promise<number> {
  const source = await readFile(path);
  const [br, gz] = await Promise.all([
    brotli(source, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
      },
    }),
    gzipAsync(source, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // A copy that is not smaller is not written: the server then sends the file itself.
  const written = [
    br.length < source.length ? writeFile(`${path}.br`, br) : null,
    gz.length < source.length ? writeFile(`${path}.gz`, gz) : null,
  ].filter((write) => write !== null);
  await Promise.all(written);
  return written.length;
}

export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'agentplatform:precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    // After every file, those copied from public/ included, is in the output directory.
    async closeBundle() {
      const outDir = resolve(config.root, config.build.outDir);
      const jobs: Promise<number>[] = [];
      for await (const path of files(outDir)) {
        if (COMPRESSIBLE.test(path) && (await stat(path)).size >= MIN_BYTES) {
          jobs.push(compress(path));
        }
      }
      const copies = (await Promise.all(jobs)).reduce((sum, count) => sum + count, 0);
      config.logger.info(`precompressed ${jobs.length} files (${copies} .br/.gz copies)`);
    },
  };
}
