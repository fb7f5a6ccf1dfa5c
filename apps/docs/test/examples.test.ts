/**
 * Runs every guide example (apps/docs/examples/*.ts, included in the pages) so that an example
 * that no longer runs fails the tests; `pnpm typecheck` checks that they still compile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

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
    const printed: { energy: number; coverage: number; xor: number }[] = [];
    vi.spyOn(console, 'log').mockImplementation((_name: unknown, value: unknown) => {
      printed.push(value as { energy: number; coverage: number; xor: number });
    });
    // A query string gives a fresh module instance, so the study runs again.
    await import(`${pathToFileURL(join(dir, 'getting-started.ts')).href}?check`);
    const [multi, random] = printed;
    expect(multi.energy).toBeGreaterThan(0.7);
    expect(multi.xor).toBeGreaterThan(0.7);
    expect(random.energy).toBeLessThan(0.1);
    expect(random.xor).toBeLessThan(0.6);
    // The page shows the output rounded to three digits: it must be this run's.
    const page = readFileSync(join(dir, '../src/getting-started.md'), 'utf8');
    const shown = (p: { energy: number; coverage: number; xor: number }) =>
      `{ energy: ${p.energy.toFixed(3)}, coverage: ${p.coverage.toFixed(3)}, xor: ${p.xor.toFixed(3)} }`;
    expect(page).toContain(`multi-task ${shown(multi)}\nrandom features ${shown(random)}\n`);
  }, 180_000);
});
