// Writes src/reproduced.md, the "Reproduced figures" page, from the output of
// `mtrl-bench reproduce` (results.json, report.md, *.svg, *.csv) in src/public/figures.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Figures in reading order, with captions; any other SVG in the folder is appended. */
const FIGURES = [
  ['energy-vs-tasks.svg', 'Subspace energy after pretraining against the number of tasks T'],
  [
    'angles-vs-tasks.svg',
    'Alignment cos θ_r of the top-r right singular subspace of W with span(M^T) against T (T = 0: initialisation)',
  ],
  ['coverage-vs-tasks.svg', 'Coverage s_r / s_1 of the r directions against T'],
  ['accuracy-vs-d-halfspace.svg', 'Downstream halfspace task: test accuracy against d'],
  ['accuracy-vs-d-xor.svg', 'Downstream xor task: test accuracy against d'],
  ['accuracy-vs-samples.svg', 'Sample complexity: accuracy against n_train at fixed d'],
  ['accuracy-vs-width.svg', 'Neuron complexity: accuracy against the width m at fixed d'],
  ['collapse.svg', 'Many rounds with unit-normalised rows: coverage can collapse'],
  [
    'phase-energy.svg',
    'Phase diagram: energy gain over initialisation after one round, per d, over T and n (cells labelled with T n²/d²)',
  ],
  [
    'phase-angles.svg',
    'Phase diagram: cos θ_r gain over initialisation after one round, per d, over T and n',
  ],
  [
    'phase-vs-snr.svg',
    'Phase diagram: every cell’s gain against T n²/d², with the measured threshold',
  ],
];

const escapeCell = (s) => String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');

/** How a verdict reads: held, not held, or not measured (an interrupted run). */
const verdictOf = (held) =>
  held === null || held === undefined ? '**not measured**' : held ? '**✓ held**' : '**✗ not held**';

/** The claims table: one row per check, grouped by claim, with its value, baseline and rule. */
function claimsTable(claims) {
  const rows = [];
  for (const c of claims) {
    rows.push(
      `| **${escapeCell(c.id)}**: ${escapeCell(c.statement)} | ${verdictOf(c.held)} | | | |`,
    );
    for (const k of c.checks ?? []) {
      const value =
        k.value === null ? 'not measured' : k.se === null ? `${k.value}` : `${k.value} ± ${k.se}`;
      rows.push(
        `| ${escapeCell(k.name)} | ${verdictOf(k.held)} | ${value} | ${k.baseline ?? ''} | ${escapeCell(k.threshold)} |`,
      );
    }
  }
  return [
    '| claim / check | verdict | value ± s.e. | baseline | threshold |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Escapes braces outside inline code: VitePress reads `{...}` as attributes or Vue syntax. */
const escapeBraces = (line) =>
  line
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replaceAll('{', '&#123;').replaceAll('}', '&#125;'),
    )
    .join('');

/**
 * report.md as a section of the page: without its title and its "Claims" section (the page
 * has the verdict table), without the list of figure links (the page embeds them), headings one
 * level down, links into /figures/, braces escaped.
 */
function reportBody(report) {
  const out = [];
  let section = '';
  for (const line of report.split('\n')) {
    if (/^# /.test(line)) continue;
    const heading = /^## (.*)$/.exec(line);
    if (heading) section = heading[1].trim();
    if (section === 'Claims') continue;
    if (section === 'Figures' && /^- .*\.svg\)/.test(line)) continue;
    if (heading && section === 'Figures') {
      out.push('### Notes');
      continue;
    }
    out.push(
      escapeBraces(line)
        .replace(/^(#{2,5}) /, '#$1 ')
        .replace(/\]\((?!https?:|\/|#)([^)]+)\)/g, '](/figures/$1)'),
    );
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/**
 * Generates the page from the figures folder.
 * @param {string} figuresDir - output folder of `mtrl-bench reproduce`
 * @param {string} pagePath - the markdown page to write
 * @returns {{ claims: number, held: number, figures: number }}
 */
export function writeReproducedPage(figuresDir, pagePath) {
  const results = JSON.parse(readFileSync(join(figuresDir, 'results.json'), 'utf8'));
  const report = existsSync(join(figuresDir, 'report.md'))
    ? readFileSync(join(figuresDir, 'report.md'), 'utf8')
    : '';
  const files = readdirSync(figuresDir).sort();
  const known = new Set(FIGURES.map(([f]) => f));
  const figures = [
    ...FIGURES.filter(([f]) => files.includes(f)),
    ...files
      .filter((f) => f.endsWith('.svg') && !known.has(f))
      .map((f) => [f, f.replace(/\.svg$/, '')]),
  ];
  const missing = FIGURES.filter(([f]) => !files.includes(f)).map(([f]) => f);
  const claims = results.claims ?? [];
  const held = claims.filter((c) => c.held === true).length;
  const size = results.size?.name ?? 'unknown';
  const seconds =
    typeof results.seconds === 'number' ? `${results.seconds.toFixed(1)} s` : 'unknown time';
  const csvs = files.filter((f) => f.endsWith('.csv'));
  const lines = [
    '---',
    'title: Reproduced figures',
    'outline: [2, 3]',
    'aside: false',
    'pageClass: reproduced-page',
    '---',
    '',
    '<!-- Generated by apps/docs/scripts/reproduced.mjs during the docs build: do not edit. -->',
    '',
    '# Reproduced figures',
    '',
    `These figures and verdicts were produced by this site's build, which runs`,
    `\`mtrl-bench reproduce --size ${size}\` (${results.seeds?.length ?? '?'} seed(s), ${seconds}).`,
    `**${held} of ${claims.length} claims held.** The [Concepts](./concepts) page states each claim;`,
    `[mtrl-bench](./packages/bench) explains the experiments.`,
    '',
  ];
  if (size === 'tiny') {
    lines.push(
      '::: warning Tiny size',
      'This build used the `tiny` size (`MTRL_DOCS_REPRO_SIZE=tiny`), made for tests: the sizes are far too small to be read as results. The published site uses `quick`.',
      ':::',
      '',
    );
  }
  if (missing.length > 0) {
    lines.push(
      '::: warning Missing figures',
      `The run did not write: ${missing.join(', ')}.`,
      ':::',
      '',
    );
  }
  lines.push('## Verdicts', '', '::: v-pre', claimsTable(claims), ':::', '', '## Figures', '');
  for (const [file, caption] of figures) {
    lines.push(`### ${caption}`, '', `![${caption}](/figures/${file})`, '');
  }
  lines.push(
    '## Data',
    '',
    `- [results.json](/figures/results.json): every measured number, the claims and the run's metadata`,
    ...csvs.map((f) => `- [${f}](/figures/${f})`),
    // An HTML link: VitePress would turn a markdown link to a .md file into a page link.
    '- <a href="/figures/report.md" target="_self">report.md</a>: the report below, as written by the bench',
    '',
  );
  if (report) lines.push('## Report', '', '::: v-pre', reportBody(report).trim(), ':::', '');
  writeFileSync(pagePath, `${lines.join('\n')}\n`);
  return { claims: claims.length, held, figures: figures.length };
}
