// Tiny user-written pieces for the tests, as a study would write them: plain JavaScript with no
// imports, loaded through module references on the calling thread and in every worker thread.

// A vector in the tensors' layout.
const vector = (data) => ({
  dtype: data instanceof Float32Array ? 'float32' : 'float64',
  shape: [data.length],
  stride: [1],
  offset: 0,
  data,
});

/**
 * A head step: `steps` gradient steps of the correlation loss -y f, each with its step clipped
 * to length `maxStep` (params: { steps, maxStep }).
 */
export function clippedHeadStep({ steps = 1, maxStep = 1 } = {}) {
  return {
    name: 'clipped-step',
    samples: true,
    adapt({ layer, head, s1, alpha }) {
      const [m, d] = layer.w.shape;
      const n = s1.x.shape[0];
      const at = (t, i, j) => t.data[t.offset + i * t.stride[0] + j * t.stride[1]];
      const h = new Float64Array(n * m);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          let z = layer.b.data[layer.b.offset + j * layer.b.stride[0]];
          for (let k = 0; k < d; k++) z += at(layer.w, j, k) * at(s1.x, i, k);
          h[i * m + j] = Math.max(z, 0);
        }
      const y = (i) => s1.y.data[s1.y.offset + i * s1.y.stride[0]];
      const a = new head.data.constructor(m);
      for (let j = 0; j < m; j++) a[j] = head.data[head.offset + j * head.stride[0]];
      let headLoss = Number.NaN;
      for (let s = 0; s < steps; s++) {
        const grad = new Float64Array(m);
        let loss = 0;
        for (let i = 0; i < n; i++) {
          let f = 0;
          for (let j = 0; j < m; j++) f += h[i * m + j] * a[j];
          loss -= y(i) * f;
          for (let j = 0; j < m; j++) grad[j] -= (y(i) * h[i * m + j]) / n;
        }
        if (s === 0) headLoss = loss / n;
        const norm = Math.hypot(...grad) * alpha;
        const c = norm > maxStep ? maxStep / norm : 1;
        for (let j = 0; j < m; j++) a[j] -= c * alpha * grad[j];
      }
      return { head: vector(a), headLoss };
    },
  };
}

/** A loss: (scale / 2) (y - f)^2 (params: { scale }). */
export function scaledSquare({ scale = 1 } = {}) {
  return {
    name: `square-x${scale}`,
    value: (y, f) => 0.5 * scale * (y - f) * (y - f),
    derivative: (y, f) => scale * (f - y),
  };
}

/**
 * A task family with per-task randomness: task t is the halfspace sign(<v, z>) with v read
 * from the task's key (so tasks differ, and a worker rebuilds the same v from the same key).
 */
export default function keyedHalfspaces({ tilt = 0 } = {}) {
  return {
    kind: 'custom',
    name: 'keyed-halfspaces',
    draw: (key, { r }) => {
      const v = Array.from(
        { length: r },
        (_, j) => key[j % 4] / 2 ** 32 - 0.5 + (j === 0 ? tilt : 0),
      );
      return (z) => {
        let s = 0;
        for (let j = 0; j < r; j++) s += v[j] * z[j];
        return s;
      };
    },
  };
}
