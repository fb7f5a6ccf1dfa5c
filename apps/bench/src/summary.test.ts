import { describe, expect, it } from 'vitest';
import { formatSweepTable, type SweepSummaryRecord, sweepSummaryCsv } from './summary.js';

const ms = (mean: number | null, stderr: number | null) => ({ mean, stderr });
const rec = (T: number, methods: string, seeds: number[], acc: number): SweepSummaryRecord => ({
  point: { 'pretrain.T': T, methods: methods.split('+') },
  result: {
    seeds,
    summary: methods.split('+').map((method, i) => ({
      method,
      energy: ms(0.5 + i / 10, seeds.length > 1 ? 0.01 : null),
      coverage: ms(0.25, seeds.length > 1 ? 0.02 : null),
      downstream: { xor: ms(acc - i / 10, seeds.length > 1 ? 0.03 : null) },
    })),
  },
});

describe('sweep summaries', () => {
  const records = [rec(4, 'multiTask+oracle', [0, 1, 2], 0.9), rec(8, 'multiTask', [5], 0.8)];

  it('summary.csv: a column per grid axis, the seed count, means and standard errors', () => {
    expect(sweepSummaryCsv(records, ['pretrain.T', 'methods']).split('\n')).toEqual([
      'pretrain.T,methods,method,n_seeds,energy,energy_stderr,coverage,coverage_stderr,task,accuracy,accuracy_stderr',
      '4,"[""multiTask"",""oracle""]",multiTask,3,0.5,0.01,0.25,0.02,xor,0.9,0.03',
      '4,"[""multiTask"",""oracle""]",oracle,3,0.6,0.01,0.25,0.02,xor,0.8,0.03',
      // One seed: no standard error.
      '8,"[""multiTask""]",multiTask,1,0.5,,0.25,,xor,0.8,',
      '',
    ]);
    // The axes default to the points' keys.
    expect(sweepSummaryCsv(records).split('\n')[0]).toMatch(/^pretrain\.T,methods,method,/);
  });

  it('the table: one row per point with its axes, seed count and per-method mean ± stderr', () => {
    const lines = formatSweepTable(records, ['pretrain.T']).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].split(/\s{2,}/)).toEqual([
      'pretrain.T',
      'seeds',
      'multiTask energy',
      'multiTask acc xor',
      'oracle energy',
      'oracle acc xor',
    ]);
    expect(lines[1].split(/\s{2,}/)).toEqual([
      '4',
      '3',
      '0.500 ± 0.010',
      '0.900 ± 0.030',
      '0.600 ± 0.010',
      '0.800 ± 0.030',
    ]);
    // A method a point did not run is '-'; one seed shows the mean only.
    expect(lines[2].split(/\s{2,}/)).toEqual(['8', '1', '0.500', '0.800', '-', '-']);
  });
});
