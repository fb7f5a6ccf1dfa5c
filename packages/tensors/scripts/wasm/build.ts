// Assembles scripts/wasm/kernels.ts into src/_kernels/wasm/module.generated.ts and
// scripts/wasm/sampler.ts into src/_kernels/wasm/sampler.generated.ts (base64, so the modules
// load in Node and in bundlers without fetch). Run by `pnpm build`; the file is also
// committed so tests and type checks run from a clean clone before any build, and a test
// checks that it matches this script's output.
//
//   tsx scripts/wasm/build.ts           # write the module if it changed
//   tsx scripts/wasm/build.ts --check   # exit 1 if a committed module is stale
//   tsx scripts/wasm/build.ts --wat     # print the WAT text of the kernels
//   tsx scripts/wasm/build.ts --sampler-wat  # print the WAT text of the sampler
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedModule, generatedSampler } from './assemble.js';
import { kernelsWat } from './kernels.js';
import { samplerWat } from './sampler.js';

const here = (name: string) =>
  fileURLToPath(new URL(`../../src/_kernels/wasm/${name}`, import.meta.url));
const targets: [string, () => Promise<string>][] = [
  [here('module.generated.ts'), generatedModule],
  [here('sampler.generated.ts'), generatedSampler],
];

if (process.argv.includes('--wat')) {
  process.stdout.write(kernelsWat());
} else if (process.argv.includes('--sampler-wat')) {
  process.stdout.write(samplerWat());
} else {
  for (const [target, generate] of targets) {
    const text = await generate();
    let old = '';
    try {
      old = readFileSync(target, 'utf8');
    } catch {}
    if (process.argv.includes('--check')) {
      if (old !== text) {
        console.error(`${target} is stale: run tsx scripts/wasm/build.ts`);
        process.exit(1);
      }
    } else if (old !== text) {
      // Write then rename, so a test run reading the file concurrently never sees half of it.
      writeFileSync(`${target}.tmp`, text);
      renameSync(`${target}.tmp`, target);
      console.log(`wrote ${target}`);
    }
  }
}
