// After TypeDoc: the API index gets each package's one-line description (from its package.json),
// and the main plain-text formulas of the doc comments become LaTeX, which the site renders with
// markdown-it-mathjax3 (the doc comments stay readable as plain text in editors).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Code spans of the doc comments (without their backticks) and the LaTeX they become. The site
 * test checks that these render on the probes and pretrain pages; the build reports each one it
 * no longer finds, so that a reworded comment is noticed.
 */
export const FORMULAS = {
  probes: [
    [
      'E(W) = ||W M^T||_F^2 / ||W||_F^2',
      'E(W) = \\lVert W M^\\top \\rVert_F^2 / \\lVert W \\rVert_F^2',
    ],
    ['||M w_j||^2 / ||w_j||^2', '\\lVert M w_j \\rVert^2 / \\lVert w_j \\rVert^2'],
    ['s_r / s_1', 's_r / s_1'],
    ['W M^T', 'W M^\\top'],
    ['exp(-sum_i p_i log p_i)', '\\exp\\left(-\\textstyle\\sum_i p_i \\log p_i\\right)'],
    ['p_i = s_i^2 / sum_k s_k^2', 'p_i = s_i^2 / \\textstyle\\sum_k s_k^2'],
    ['s_i^2', 's_i^2'],
    ['s_i', 's_i'],
    ['s_1 >= ... >= s_r >= 0', 's_1 \\ge \\dots \\ge s_r \\ge 0'],
    ['theta_1 <= ... <= theta_k', '\\theta_1 \\le \\dots \\le \\theta_k'],
    ['k = min(p, q)', 'k = \\min(p, q)'],
    ['cos theta_i', '\\cos \\theta_i'],
    ['Q_a^T Q_b', 'Q_a^\\top Q_b'],
    ['Q_b - Q_a Q_a^T Q_b', 'Q_b - Q_a Q_a^\\top Q_b'],
    ["phi(x) = relu(x W'^T + b')", "\\phi(x) = \\mathrm{relu}(x W'^\\top + b')"],
    ['relu(x W^T + b)', '\\mathrm{relu}(x W^\\top + b)'],
    ['(l2 / 2) |w|^2', '(\\mathrm{l2} / 2)\\, \\lVert w \\rVert^2'],
    [
      '(1/n) sum_i log(1 + exp(-y_i (<x_i, w> + b))) + (l2/2) |w|^2',
      '\\frac{1}{n} \\sum_i \\log\\left(1 + e^{-y_i (\\langle x_i, w \\rangle + b)}\\right) + \\frac{\\mathrm{l2}}{2} \\lVert w \\rVert^2',
    ],
    [
      '(1/(2n)) sum_i (y_i - <x_i, w> - b)^2 + (l2/2) |w|^2',
      '\\frac{1}{2n} \\sum_i \\left(y_i - \\langle x_i, w \\rangle - b\\right)^2 + \\frac{\\mathrm{l2}}{2} \\lVert w \\rVert^2',
    ],
    ['K_ij = exp(-gamma |x_i - x_j|^2)', 'K_{ij} = \\exp(-\\gamma \\lVert x_i - x_j \\rVert^2)'],
    ['k(a, b) = exp(-gamma |a - b|^2)', 'k(a, b) = \\exp(-\\gamma \\lVert a - b \\rVert^2)'],
    ['sum_i alpha_i k(x, x_i)', '\\textstyle\\sum_i \\alpha_i k(x, x_i)'],
    [
      'sum_i alpha_i exp(-gamma |x - x_i|^2)',
      '\\textstyle\\sum_i \\alpha_i \\exp(-\\gamma \\lVert x - x_i \\rVert^2)',
    ],
    [
      'sqrt(sum (v - mean)^2 / (k - 1)) / sqrt(k)',
      '\\sqrt{\\textstyle\\sum (v - \\bar v)^2 / (k - 1)} / \\sqrt{k}',
    ],
    ['sd / sqrt(k)', '\\mathrm{sd} / \\sqrt{k}'],
  ],
  pretrain: [],
};

/** Whole plain-text lines of the doc comments (not code spans) and what they become. */
export const FORMULA_LINES = {
  probes: [['E(W) in [0, 1];', '$E(W) \\in [0, 1]$;']],
  pretrain: [
    ['W <- W - eta * G / T (default).', '$W \\leftarrow W - \\eta\\, G / T$ (default).'],
    [
      'Centre the labels within each sample set, y - mean(y) on S1 and on S2 separately (which',
      'Centre the labels within each sample set, $y - \\bar y$ on $S_1$ and on $S_2$ separately (which',
    ],
    [
      'biased teacher tasks) otherwise let the constant part E[y]^2 of the label kernel dominate',
      'biased teacher tasks) otherwise let the constant part $\\mathbb{E}[y]^2$ of the label kernel dominate',
    ],
  ],
};

/** Replaces outside fenced code blocks only. */
function outsideFences(text, replace) {
  return text
    .split(/(^```[\s\S]*?^```$)/m)
    .map((part, i) => (i % 2 === 1 ? part : replace(part)))
    .join('');
}

/**
 * Rewrites the generated API reference in `apiDir`: descriptions on the index, formulas as
 * LaTeX. Returns the formulas converted and those not found (reported by the build).
 */
export function polishApi(apiDir, packagesDir) {
  const indexPath = join(apiDir, 'index.md');
  const index = readFileSync(indexPath, 'utf8').replace(
    /^- \[@mtrl\/([a-z-]+)\]\(([^)]+)\)$/gm,
    (_line, name, link) => {
      const pkg = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'));
      return `- [@mtrl/${name}](${link}): ${pkg.description}`;
    },
  );
  writeFileSync(indexPath, index);
  let converted = 0;
  const missing = [];
  for (const name of new Set([...Object.keys(FORMULAS), ...Object.keys(FORMULA_LINES)])) {
    const path = join(apiDir, '@mtrl', `${name}.md`);
    const original = readFileSync(path, 'utf8');
    const text = outsideFences(original, (part) => {
      let out = part;
      for (const [plain, latex] of FORMULAS[name] ?? []) {
        const span = `\`${plain}\``;
        if (!out.includes(span)) continue;
        out = out.split(span).join(`$${latex}$`);
        converted++;
      }
      for (const [plain, latex] of FORMULA_LINES[name] ?? []) {
        if (!out.includes(plain)) continue;
        out = out.split(plain).join(latex);
        converted++;
      }
      return out;
    });
    for (const [plain] of [...(FORMULAS[name] ?? []), ...(FORMULA_LINES[name] ?? [])]) {
      if (!original.includes(plain)) missing.push(`${name}: ${plain}`);
    }
    writeFileSync(path, text);
  }
  return { converted, missing };
}
