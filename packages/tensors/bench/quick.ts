import * as T from '../src/index.js';

for (const dtype of ['float32', 'float64'] as const) {
  const a = T.normal(T.key(1), [1024, 1024], { dtype });
  const b = T.normal(T.key(2), [1024, 256], { dtype });
  const bt = T.normal(T.key(3), [256, 1024], { dtype });
  const c = T.zeros([1024, 256], { dtype });
  for (const [name, f] of [
    ['NN', () => T.gemmInto(c, a, b)],
    ['NT', () => T.gemmInto(c, a, bt, { transB: true })],
    ['TN', () => T.gemmInto(c, a, b, { transA: true })],
  ] as const) {
    f();
    const ts: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      f();
      ts.push(performance.now() - t0);
    }
    ts.sort((x, y) => x - y);
    console.log(
      dtype,
      name,
      ((2 * 1024 * 1024 * 256) / (ts[2] / 1000) / 1e9).toFixed(2),
      'GFLOP/s',
    );
  }
  const t0 = performance.now();
  const n = T.normal(T.key(9), [4096, 1024], { dtype });
  const dt = performance.now() - t0;
  console.log(dtype, 'normals/s', (((n.data.length / dt) * 1000) / 1e6).toFixed(1), 'M');
}
