import { describe, expect, it } from 'vitest';
import { formatPerf, runPerf } from './perf.js';
import { silentProgress } from './progress.js';

describe('perf', () => {
  it('times a round per thread count, side by side', { timeout: 60_000 }, async () => {
    const report = await runPerf(
      { repeats: 1, rounds: ['tiny'], gemm: 'none', dtypes: ['float32'], threads: [1, 2] },
      silentProgress,
    );
    const rows = report.backends[0].rounds;
    expect(rows.map((r) => [r.size, r.dtype, r.threads])).toEqual([
      ['tiny', 'float32', 1],
      ['tiny', 'float32', 2],
    ]);
    for (const r of rows) expect(r.seconds.median).toBeGreaterThan(0);
    expect(report.backends[0].gemm).toEqual([]);
    expect(formatPerf(report)).toMatch(/threads 2 .* x\d/);
  });
});
