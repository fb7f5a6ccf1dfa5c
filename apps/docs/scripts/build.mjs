// The docs build: runs the bench (`mtrl-bench reproduce`), TypeDoc and the getting-started
// example in parallel, writes the "Reproduced figures" page, the example's output
// (src/generated, included by getting-started.md) and the API reference's index descriptions and
// formulas (scripts/api.mjs), then builds the static site with VitePress into .vitepress/dist.
//
//   node scripts/build.mjs                 full build
//   node scripts/build.mjs --prepare-only  everything but `vitepress build` (for `vitepress dev`)
//
// Environment:
//   MTRL_DOCS_REPRO_SIZE=tiny|quick|paper  size of the reproduce run (default quick; tiny is for
//                                          tests and local builds; the build prints each step's time)
//   MTRL_DOCS_REUSE_FIGURES=1              keep src/public/figures if it holds a run of that size
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { polishApi } from './api.mjs';
import { writeReproducedPage } from './reproduced.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const figuresDir = join(root, 'src/public/figures');
const apiDir = join(root, 'src/api');
const benchBin = join(root, '../bench/dist/bin.js');
const bin = (name) => join(root, 'node_modules/.bin', name);

const SIZES = ['tiny', 'quick', 'paper'];
const size = process.env.MTRL_DOCS_REPRO_SIZE || 'quick';
if (!SIZES.includes(size)) {
  console.error(
    `docs build: MTRL_DOCS_REPRO_SIZE must be one of ${SIZES.join(', ')}, got ${JSON.stringify(size)}`,
  );
  process.exit(2);
}
const prepareOnly = process.argv.includes('--prepare-only');

/** Runs a command with inherited output; resolves with its wall time in seconds. */
function run(label, command, args) {
  const start = performance.now();
  console.log(`docs build: ${label}: ${[command, ...args].join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (e) =>
      reject(new Error(`${label}: could not start ${command}: ${e.message}`)),
    );
    child.on('exit', (code, signal) => {
      const seconds = (performance.now() - start) / 1000;
      if (code === 0) {
        console.log(`docs build: ${label} done in ${seconds.toFixed(1)} s`);
        resolve(seconds);
      } else reject(new Error(`${label} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

function figuresReusable() {
  if (process.env.MTRL_DOCS_REUSE_FIGURES !== '1') return false;
  try {
    const results = JSON.parse(readFileSync(join(figuresDir, 'results.json'), 'utf8'));
    return results.size?.name === size && results.completed === true;
  } catch {
    return false;
  }
}

async function reproduce() {
  if (figuresReusable()) {
    console.log(`docs build: reusing the ${size} run in src/public/figures`);
    return;
  }
  if (!existsSync(benchBin)) {
    throw new Error(
      `${benchBin} is missing: build the bench first (turbo run build does, since @mtrl/bench is a devDependency)`,
    );
  }
  rmSync(figuresDir, { recursive: true, force: true });
  await run(`bench (reproduce --size ${size})`, process.execPath, [
    benchBin,
    'reproduce',
    '--size',
    size,
    '--out',
    figuresDir,
    '--quiet',
  ]);
}

async function typedoc() {
  rmSync(apiDir, { recursive: true, force: true });
  await run('typedoc', bin('typedoc'), ['--options', 'typedoc.json', '--logLevel', 'Warn']);
  const api = polishApi(apiDir, join(root, '../../packages'));
  console.log(
    `docs build: API reference: package descriptions, ${api.converted} formulas as LaTeX`,
  );
  if (api.missing.length > 0) {
    throw new Error(
      `scripts/api.mjs: formulas no longer in the doc comments (update FORMULAS):\n  ${api.missing.join('\n  ')}`,
    );
  }
}

/** Runs the getting-started example and writes its output for the page (scripts/outputs.ts). */
async function outputs() {
  await run('examples (getting-started output)', bin('tsx'), ['scripts/outputs.ts']);
}

const start = performance.now();
try {
  await Promise.all([reproduce(), typedoc(), outputs()]);
  const page = writeReproducedPage(figuresDir, join(root, 'src/reproduced.md'));
  console.log(
    `docs build: wrote src/reproduced.md (${page.held}/${page.claims} claims held, ${page.figures} figures)`,
  );
  if (!prepareOnly) await run('vitepress build', bin('vitepress'), ['build', '.']);
  console.log(`docs build: finished in ${((performance.now() - start) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`docs build: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
