import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import { formatPerf, runNumpyPeer, runPerf } from './perf/index.js';
import { silentProgress } from './progress.js';

afterEach(() => vi.restoreAllMocks());

/** A fake numpy peer: prints a log line, then one JSON line echoing its arguments and environment. */
function stubPeer(body?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtrl-peer-'));
  const path = join(dir, 'peer.py');
  writeFileSync(
    path,
    body ??
      [
        'import json, os, sys',
        'a = sys.argv[1:]',
        'arg = lambda k: a[a.index(k) + 1]',
        'print("warming up")',
        'print(json.dumps(dict(peer="numpy", numpy="stub", size=arg("--size"), dtype=arg("--dtype"),',
        '    threads=os.environ.get("OPENBLAS_NUM_THREADS"), reps=int(arg("--reps")),',
        '    coretype=os.environ.get("OPENBLAS_CORETYPE"), round_s=0.25, sampling_s=0.1,',
        '    math_s=0.15, math_gflops=12.5, normals_per_s=2e8)))',
      ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

describe('perf', () => {
  it('times a round per thread count, side by side', { timeout: 240_000 }, async () => {
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

  it('times each sampler side by side, and the --json rounds name it', {
    timeout: 240_000,
  }, async () => {
    const report = await runPerf(
      {
        repeats: 1,
        rounds: ['tiny'],
        gemm: 'none',
        dtypes: ['float32'],
        threads: [1, 2],
        samplers: ['explicit', 'projected'],
      },
      silentProgress,
    );
    const rows = report.backends[0].rounds;
    expect(rows.map((r) => [r.threads, r.sampler])).toEqual([
      [1, 'explicit'],
      [1, 'projected'],
      [2, 'explicit'],
      [2, 'projected'],
    ]);
    for (const r of rows) expect(r.seconds.median).toBeGreaterThan(0);
    expect(report.backendRatios.map((r) => [r.threads, r.sampler])).toEqual(
      rows.map((r) => [r.threads, r.sampler]),
    );
    const table = formatPerf(report);
    expect(table).toMatch(/threads 1 {2}projected .* explicit\/projected x\d/);
    expect(table).toMatch(/note: sampler: explicit draws/);

    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
      out += String(c);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
      err += String(c);
      return true;
    });
    const args = ['perf', '--gemm', 'none', '--rounds', 'tiny', '--dtypes', 'float32'];
    expect(await main([...args, '--repeats', '1', '--json', '--quiet'])).toBe(0);
    const doc = JSON.parse(out);
    // The default is the explicit sampler alone.
    expect(doc.backends[0].rounds.map((r: { sampler: string }) => r.sampler)).toEqual(['explicit']);
    expect(await main([...args, '--samplers', 'explicit,implicit', '--quiet'])).toBe(2);
    expect(err).toMatch(/--samplers: expected explicit or projected, got "implicit"/);
  });

  it('measures concurrent GEMM throughput, normalInto and wasm against js', {
    timeout: 300_000,
  }, async () => {
    const report = await runPerf(
      { repeats: 2, rounds: ['tiny'], gemm: 'tiny', dtypes: ['float64'], threads: [1, 2] },
      silentProgress,
    );
    expect(report.backends.map((b) => b.backend)).toEqual(['js', 'wasm']);
    for (const b of report.backends) {
      expect(b.gemmThroughput.map((g) => [g.op, g.threads, g.m, g.n, g.k])).toEqual([
        ['A B', 2, 64, 32, 48],
        ['A^T B', 2, 64, 32, 48],
        ['A B^T', 2, 64, 32, 48],
      ]);
      for (const g of b.gemmThroughput) {
        expect(g.gflops.samples).toHaveLength(2);
        expect(g.gflops.median).toBeGreaterThan(0);
        const single = b.gemm.find((s) => s.op === g.op && s.dtype === g.dtype);
        expect(g.speedup).toBeCloseTo(g.gflops.median / (single?.gflops.median ?? 0), 10);
        // float64: 8 flops a cycle per core at the probed clock, two threads.
        expect(g.peakFraction).toBeCloseTo(g.gflops.median / (2 * 8 * g.clockGHz), 10);
      }
      for (const g of b.gemm) {
        expect(g.clockGHz).toBeGreaterThan(0.1);
        expect(g.clockGHz).toBeLessThan(10);
        expect(g.peakFraction).toBeCloseTo(g.gflops.median / (8 * g.clockGHz), 10);
      }
      expect(b.normalsInto.map((n) => n.dtype)).toEqual(['float64']);
      expect(b.normalsInto[0].perSecond.median).toBeGreaterThan(0);
    }
    expect(report.backendRatios.map((r) => [r.size, r.threads])).toEqual([
      ['tiny', 1],
      ['tiny', 2],
    ]);
    for (const r of report.backendRatios) {
      const js = report.backends[0].rounds.find((o) => o.threads === r.threads);
      const wasm = report.backends[1].rounds.find((o) => o.threads === r.threads);
      expect(r.jsOverWasm).toBe((js?.seconds.median ?? 0) / (wasm?.seconds.median ?? 1));
    }
    const text = formatPerf(report);
    expect(text).toMatch(/GEMM throughput: independent GEMMs/);
    expect(text).toMatch(/A\^T B\s+float64 .* \(\d+ % of 128-bit peak at \d\.\d\d GHz\)/);
    expect(text).toMatch(/A B\s+float64 .* threads 2 /);
    expect(text).toMatch(/normal \d+\.\d\s+normalInto \d+\.\d/);
    expect(text).toMatch(/wasm against js[\s\S]*tiny\s+float64\s+threads 2 .* x\d/);
  });

  it('runs a peer script once after our rounds and compares every sampler with it', {
    timeout: 240_000,
  }, async () => {
    const script = stubPeer();
    const report = await runPerf(
      {
        repeats: 1,
        rounds: ['tiny'],
        gemm: 'none',
        dtypes: ['float32'],
        threads: [2],
        samplers: ['explicit', 'projected'],
        peer: { kind: 'numpy', script, sizes: ['tiny'] },
      },
      silentProgress,
    );
    for (const b of report.backends) {
      const [row, projected] = b.rounds;
      expect([row.sampler, projected.sampler]).toEqual(['explicit', 'projected']);
      expect(projected.peer).toBeUndefined();
      expect(projected.oursOverPeer).toBe(projected.seconds.median / 0.25);
      expect(row.peer).toMatchObject({
        numpy: 'stub',
        size: 'tiny',
        dtype: 'f32',
        threads: '2',
        reps: 1,
        coretype: null,
        round_s: 0.25,
      });
      expect(row.oursOverPeer).toBe(row.seconds.median / 0.25);
    }
    expect(formatPerf(report)).toMatch(
      /numpy stub \(OPENBLAS_NUM_THREADS=2(, BLAS [^)]+)?\): round 0\.250 s, sampling 0\.100 s, math 0\.150 s \(12\.5 GFLOP\/s\), 200\.0 M normals\/s; ours\/numpy x\d/,
    );
    expect(formatPerf(report)).toMatch(
      /projected .*\n\s+ours\/numpy x\d+\.\d\d \(numpy figures on the line above\)/,
    );
  });

  it('names the BLAS numpy runs on and warns about the reference BLAS', () => {
    // A python that answers the BLAS probe (-c) with given libraries and runs scripts as python3.
    const fakePython = (libs: string[]) => {
      const path = join(mkdtempSync(join(tmpdir(), 'mtrl-python-')), 'python');
      writeFileSync(
        path,
        `#!/bin/sh\nif [ "$1" = "-c" ]; then printf '%s\\n' ${libs.map((l) => `'${l}'`).join(' ')}; exit 0; fi\nexec /usr/bin/python3 "$@"\n`,
      );
      chmodSync(path, 0o755);
      return path;
    };
    const script = stubPeer();
    const reference = runNumpyPeer(
      { script, python: fakePython(['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3']) },
      'tiny',
      'float32',
      1,
      1,
    );
    expect(reference.blas).toEqual({
      library: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3',
      optimised: false,
    });
    const open = runNumpyPeer(
      {
        script,
        python: fakePython([
          '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
          '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so',
        ]),
      },
      'tiny',
      'float32',
      1,
      1,
    );
    expect(open.blas).toEqual({
      library: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3',
      optimised: true,
    });
    const row = (peer: typeof open) => ({
      size: 'tiny' as const,
      dtype: 'float32' as const,
      threads: 1,
      sampler: 'explicit' as const,
      shape: { d: 1, r: 1, m: 1, T: 1, n1: 1, n2: 1 },
      seconds: { median: 0.5, min: 0.5, max: 0.5, samples: [0.5] },
      peer,
      oursOverPeer: 2,
    });
    const text = (peer: typeof open) =>
      formatPerf({
        meta: {},
        notes: [],
        backends: [
          {
            backend: 'js',
            threads: 1,
            gemm: [],
            gemmThroughput: [],
            normals: [],
            normalsInto: [],
            rounds: [row(peer)],
          },
        ],
        backendRatios: [],
      } as unknown as Parameters<typeof formatPerf>[0]);
    expect(text(reference)).toMatch(
      /BLAS libblas\.so\.3\): round[^\n]*\n\s+warning: numpy runs on the reference BLAS/,
    );
    expect(text(open)).toMatch(/BLAS libblas\.so\.3\): round/);
    expect(text(open)).not.toMatch(/reference BLAS/);
  });

  it('explains a missing peer script, missing numpy and bad peer output', () => {
    expect(() =>
      runNumpyPeer({ script: '/nonexistent/numpy_step.py' }, 'quick', 'float32', 1, 1),
    ).toThrow(/--peer-script: \/nonexistent\/numpy_step.py does not exist/);
    const noNumpy = stubPeer('raise ModuleNotFoundError("No module named \'numpy\'")\n');
    expect(() => runNumpyPeer({ script: noNumpy }, 'quick', 'float32', 1, 1)).toThrow(
      /has no numpy; install python3-numpy/,
    );
    const garbage = stubPeer('print("not json")\n');
    expect(() => runNumpyPeer({ script: garbage }, 'quick', 'float64', 1, 1)).toThrow(
      /expected one JSON line/,
    );
  });

  it('refuses --peer with an absent script before timing anything, and writes --json <file>', {
    timeout: 240_000,
  }, async () => {
    let err = '';
    let out = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err += String(s);
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    const code = await main([
      'perf',
      '--peer',
      'numpy',
      '--peer-script',
      '/nonexistent/peer.py',
      '--rounds',
      'quick',
      '--quiet',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/--peer-script: \/nonexistent\/peer.py does not exist/);
    // Refused before any measurement: nothing was timed or printed.
    expect(out).toBe('');
    const file = join(mkdtempSync(join(tmpdir(), 'mtrl-perf-')), 'perf.json');
    const ok = await main([
      'perf',
      '--gemm',
      'none',
      '--rounds',
      'tiny',
      '--dtypes',
      'float32',
      '--repeats',
      '1',
      '--json',
      file,
      '--quiet',
    ]);
    expect(ok).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.command).toBe('perf');
    expect(doc.backends[0].rounds[0].size).toBe('tiny');
    expect(doc.backendRatios).toHaveLength(1);
    expect(out).toMatch(/pretraining round/);
  });

  it('times only the backend --backend names, and every backend without it', {
    timeout: 240_000,
  }, async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    const args = ['perf', '--gemm', 'none', '--rounds', 'tiny', '--dtypes', 'float32'];
    const backendsOf = async (...pre: string[]) => {
      out = '';
      expect(await main([...pre, ...args, '--repeats', '1', '--json', '--quiet'])).toBe(0);
      const doc = JSON.parse(out);
      return [doc.backends.map((b: { backend: string }) => b.backend), doc.backendRatios.length];
    };
    expect(await backendsOf('--backend', 'js')).toEqual([['js'], 0]);
    expect(await backendsOf('--backend', 'wasm')).toEqual([['wasm'], 0]);
    expect(await backendsOf()).toEqual([['js', 'wasm'], 1]);
    await expect(
      runPerf(
        { repeats: 1, rounds: [], gemm: 'none', dtypes: [], backends: ['gpu'] },
        silentProgress,
      ),
    ).rejects.toThrow(/backends must name registered backends \(js, wasm\), got "gpu"/);
  });
});
