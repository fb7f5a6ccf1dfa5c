/**
 * Runs every guide example (apps/docs/examples/*.ts, included in the pages) so that an example
 * that no longer runs fails the tests; `pnpm typecheck` checks that they still compile.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  gettingStartedOutput,
  gettingStartedOutputPath,
  runGettingStarted,
} from '../scripts/outputs.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../examples');
const examples = readdirSync(dir).filter((f) => f.endsWith('.ts'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('guide examples', () => {
  it('has one example per package and the getting-started study', () => {
    expect(examples.sort()).toEqual(
      [
        'baselines',
        'getting-started',
        'network',
        'optim',
        'pretrain',
        'probes',
        'tasks',
        'tensors',
      ].map((n) => `${n}.ts`),
    );
  });

  it.each(examples)(
    '%s runs and prints',
    async (file) => {
      const lines: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
      await import(pathToFileURL(join(dir, file)).href);
      expect(lines.length).toBeGreaterThan(0);
    },
    180_000,
  );

  it('getting-started prints what its page says: multi-task solves xor, random features do not', async () => {
    const run = await runGettingStarted();
    const { multi, random } = run;
    expect(multi.energy).toBeGreaterThan(0.7);
    expect(multi.xor).toBeGreaterThan(0.7);
    expect(random.energy).toBeLessThan(0.1);
    expect(random.xor).toBeLessThan(0.6);
    // The page includes the output the build generated (scripts/outputs.ts): it must be this run's.
    expect(
      existsSync(gettingStartedOutputPath),
      'src/generated/getting-started-output.md (run the docs build)',
    ).toBe(true);
    expect(readFileSync(gettingStartedOutputPath, 'utf8')).toBe(gettingStartedOutput(run));
    const page = readFileSync(join(dir, '../src/getting-started.md'), 'utf8');
    expect(page).toContain('<!--@include: ./generated/getting-started-output.md-->');
    expect(page).not.toMatch(/energy: 0\.\d{3}/);
  }, 180_000);

  it('prints what the comments of the package examples say', async () => {
    const printed = async (name: string) => {
      const lines: unknown[][] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(args);
      });
      await import(`${pathToFileURL(join(dir, `${name}.ts`)).href}?comments`);
      vi.restoreAllMocks();
      return lines;
    };
    // network.ts: `console.log(g.loss); // log 2 = 0.693... with a zero head`
    const network = await printed('network');
    expect(network.some(([x]) => typeof x === 'number' && Math.abs(x - Math.log(2)) < 1e-6)).toBe(
      true,
    );
    // probes.ts: energy `about r/d = 0.0625`; xor accuracy `about 0.5` on random features.
    const probes = await printed('probes');
    const numbers = probes.map(([x]) => x).filter((x): x is number => typeof x === 'number');
    expect(numbers[0]).toBeGreaterThan(0.0625 / 2);
    expect(numbers[0]).toBeLessThan(0.0625 * 2);
    const [xor] = probes.find(([a, b]) => typeof a === 'number' && typeof b === 'boolean') ?? [];
    expect(xor, 'the random-feature xor accuracy').toBeGreaterThan(0.4);
    expect(xor).toBeLessThan(0.6);
  }, 180_000);
});
