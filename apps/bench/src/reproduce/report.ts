import type { ReproduceResult } from './run.js';
import { FIGURES } from './run.js';

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/** The claim-by-claim report (Markdown) of a reproduction. */
export function renderReport(res: ReproduceResult): string {
  const s = res.size;
  const lines: string[] = [
    `# Reproduction report (${s.name})`,
    '',
    `Collins et al., "Provable Multi-Task Representation Learning by Two-Layer ReLU Neural Networks" (ICML 2024), as specified in SPEC.md.`,
    '',
    `- size \`${s.name}\`, seeds ${res.seeds.join(', ')}, r = ${s.r}, n1 = n2 = ${s.n}, one step with eta = ${s.eta}, unit rows, ${s.dtype}`,
    `- ${res.completed ? 'completed' : res.error ? `**failed: partial results** (${res.error})` : '**interrupted: partial results**'} in ${res.seconds.toFixed(1)} s with ${res.jobs} job${res.jobs > 1 ? 's' : ''}`,
    `- claims held: ${res.claims.filter((c) => c.held).length} of ${res.claims.length}`,
    '',
    '## Claims',
    '',
    '| claim | held | measured | threshold |',
    '| --- | --- | --- | --- |',
  ];
  for (const c of res.claims) {
    const measured = Object.entries(c.measured)
      .map(([k, v]) => `${k}: ${fmt(v)}`)
      .join('<br>');
    lines.push(
      `| **${c.id}**: ${c.statement} | ${c.held ? 'yes' : 'NO'} | ${measured} | ${c.threshold} |`,
    );
  }
  lines.push('', '## Downstream accuracy against d', '');
  const methods = [
    ...new Set(res.summary.filter((p) => p.experiment === 'accuracy-vs-d').map((p) => p.method)),
  ];
  const ds = [
    ...new Set(res.summary.filter((p) => p.experiment === 'accuracy-vs-d').map((p) => p.x)),
  ].sort((a, b) => a - b);
  for (const task of ['halfspace', 'xor']) {
    lines.push(
      `${task} (n_train = ${s.dims.nTrain}, m = ${s.dims.m}, T = ${s.dims.T}, pretraining n1 = n2 = ${s.dims.nPerD} d, eta = ${s.dims.etaPerD} d; mean ± standard error over seeds):`,
      '',
    );
    lines.push(
      `| method | ${ds.map((d) => `d = ${d}`).join(' | ')} |`,
      `| --- | ${ds.map(() => '---').join(' | ')} |`,
    );
    for (const m of methods) {
      const cells = ds.map((d) => {
        const p = res.summary.find(
          (q) =>
            q.experiment === 'accuracy-vs-d' && q.method === m && q.x === d && q.metric === task,
        );
        return p ? (p.n > 1 ? `${fmt(p.mean)} ± ${fmt(p.stderr)}` : fmt(p.mean)) : '';
      });
      lines.push(`| ${m} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('## Figures', '');
  for (const f of FIGURES) lines.push(`- ${f.title}: [${f.file}.svg](${f.file}.svg)`);
  lines.push(
    '',
    'The collapse figure shows coverage over many rounds with unit-normalised rows: repeated steps act like power iteration and can pull the rows onto fewer directions. It is a finding, not a claim of the paper.',
    '',
    `Software: ${JSON.stringify((res.meta as { packages?: unknown })?.packages ?? {})}`,
    '',
  );
  return lines.join('\n');
}
