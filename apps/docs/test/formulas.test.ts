/**
 * The formulas of the API reference (scripts/api.mjs): every listed formula is still in its
 * package's doc comments (a code span, a whole line or an indented block), and on the built site
 * (.vitepress/dist, built with the tiny reproduce size when missing) each package page renders
 * them with MathJax and no longer shows them as plain text. No browser needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORMULA_BLOCKS, FORMULA_LINES, FORMULAS, indentedBlock } from '../scripts/api.mjs';
import { dist, ensureSite } from './browser.js';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '../../../packages');
const PACKAGES = ['tensors', 'tasks', 'network', 'optim', 'pretrain', 'probes', 'baselines'];

/** The doc-comment text of a package's sources (tests excluded), one comment line a line. */
function commentText(name: string): string {
  const dir = join(packagesDir, name, 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  const lines: string[] = [];
  for (const file of files) {
    let inDoc = false;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const start = line.indexOf('/**');
      if (!inDoc && start < 0) continue;
      let text: string = inDoc
        ? line.replace(/^\s*\* ?/, '')
        : line.slice(start + 3).replace(/^ /, '');
      const end: number = text.indexOf('*/');
      inDoc = end < 0;
      if (end >= 0) text = text.slice(0, end).trimEnd();
      lines.push(text);
    }
  }
  return lines.join('\n');
}

/** The HTML escapes of VitePress's output (an apostrophe may or may not be escaped). */
function escaped(text: string): string[] {
  const html = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [html, html.replace(/"/g, '&quot;'), html.replace(/'/g, '&#39;')];
}

const count = (name: string) =>
  (FORMULAS[name]?.length ?? 0) +
  (FORMULA_LINES[name]?.length ?? 0) +
  (FORMULA_BLOCKS[name]?.length ?? 0);

describe('formulas of the API reference', () => {
  it('lists formulas for every package', () => {
    for (const name of PACKAGES)
      expect(count(name), `formulas of @mtrl/${name}`).toBeGreaterThan(0);
  });

  it.each(PACKAGES)('finds every listed formula of @mtrl/%s in its doc comments', (name) => {
    const text = commentText(name);
    const lost = [
      ...(FORMULAS[name] ?? []).map(([plain]) => `\`${plain}\``).filter((s) => !text.includes(s)),
      ...(FORMULA_LINES[name] ?? []).map(([plain]) => plain).filter((s) => !text.includes(s)),
      ...(FORMULA_BLOCKS[name] ?? [])
        .map(([lines]) => indentedBlock(lines))
        .filter((s) => !text.includes(s)),
    ];
    expect(lost).toEqual([]);
  });

  describe('on the built site', () => {
    beforeAll(async () => {
      await ensureSite();
    }, 600_000);

    it.each(PACKAGES)('renders the formulas of @mtrl/%s', (name) => {
      const html = readFileSync(join(dist, 'api/@mtrl', `${name}.html`), 'utf8');
      const math = html.match(/<mjx-container /g)?.length ?? 0;
      expect(math, `formulas rendered on @mtrl/${name}`).toBeGreaterThanOrEqual(count(name));
      const display = html.match(/<mjx-container [^>]*display="true"/g)?.length ?? 0;
      expect(display, `display formulas on @mtrl/${name}`).toBeGreaterThanOrEqual(
        FORMULA_BLOCKS[name]?.length ?? 0,
      );
      const plain = [
        ...(FORMULAS[name] ?? []).flatMap(([p]) => escaped(p).map((e) => `<code>${e}</code>`)),
        ...(FORMULA_LINES[name] ?? []).flatMap(([p]) => escaped(p)),
        ...(FORMULA_BLOCKS[name] ?? []).flatMap(([lines]) => lines.flatMap(escaped)),
      ];
      expect(plain.filter((p) => html.includes(p))).toEqual([]);
    });
  });
});
