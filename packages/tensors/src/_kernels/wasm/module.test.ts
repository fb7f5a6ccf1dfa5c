import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedModule, generatedSampler } from '../../../scripts/wasm/assemble.js';

describe('module.generated.ts', () => {
  it('is what scripts/wasm/build.ts assembles from scripts/wasm/kernels.ts', async () => {
    const committed = readFileSync(new URL('./module.generated.ts', import.meta.url), 'utf8');
    // On a mismatch: pnpm --filter @mtrl/tensors build (or tsx scripts/wasm/build.ts).
    expect(committed === (await generatedModule())).toBe(true);
  });
});

describe('sampler.generated.ts', () => {
  it('is what scripts/wasm/build.ts assembles from scripts/wasm/sampler.ts', async () => {
    const committed = readFileSync(new URL('./sampler.generated.ts', import.meta.url), 'utf8');
    // On a mismatch: pnpm --filter @mtrl/tensors build (or tsx scripts/wasm/build.ts).
    expect(committed === (await generatedSampler())).toBe(true);
  });
});
