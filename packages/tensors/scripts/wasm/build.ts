// Assembles scripts/wasm/kernels.ts into src/_kernels/wasm/module.generated.ts (base64, so the
// module loads in Node and in bundlers without fetch). Run by `pnpm build`; the file is also
// committed so tests and type checks run from a clean clone before any build, and a test
// checks that it matches this script's output.
//
//   tsx scripts/wasm/build.ts           # write the module if it changed
//   tsx scripts/wasm/build.ts --check   # exit 1 if the committed module is stale
//   tsx scripts/wasm/build.ts --wat     # print the WAT text
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedModule } from './assemble.js';
import { kernelsWat } from './kernels.js';

const target = fileURLToPath(
  new URL('../../src/_kernels/wasm/module.generated.ts', import.meta.url),
);

if (process.argv.includes('--wat')) {
  process.stdout.write(kernelsWat());
} else {
  const text = await generatedModule();
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
