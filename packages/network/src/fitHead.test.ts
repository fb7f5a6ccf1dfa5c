import { key, matvec, normal, rademacher, split } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { fitHead, headLossAndGrad } from './index.js';

describe('fitHead', () => {
  const [kh, ky] = split(key(3));
  const h = normal(kh, [80, 6] as const);
  const y = rademacher(ky, [80] as const);

  it('reaches a point where the regularised gradient vanishes (logistic)', () => {
    const fit = fitHead(h, y, 'logistic', { l2: 0.01, tol: 1e-8 });
    expect(fit.converged).toBe(true);
    const { grad } = headLossAndGrad(h, fit.head, y, 'logistic');
    for (let j = 0; j < 6; j++) expect(grad.data[j] + 0.01 * fit.head.data[j]).toBeCloseTo(0, 7);
  });

  it('solves ridge regression for the square loss (normal equations hold)', () => {
    const fit = fitHead(h, y, 'square', { l2: 0.1, tol: 1e-10, maxIter: 5000 });
    expect(fit.converged).toBe(true);
    // (H^T H / n + l2 I) a = H^T y / n
    const r = matvec(h, fit.head);
    for (let j = 0; j < 6; j++) {
      let lhs = 0.1 * fit.head.data[j];
      let rhs = 0;
      for (let i = 0; i < 80; i++) {
        lhs += (h.data[i * 6 + j] * r.data[i]) / 80;
        rhs += (h.data[i * 6 + j] * y.data[i]) / 80;
      }
      expect(lhs).toBeCloseTo(rhs, 8);
    }
  });

  it('reports non-convergence instead of hiding it', () => {
    const fit = fitHead(h, y, 'logistic', { l2: 0, tol: 1e-14, maxIter: 2 });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(2);
  });

  it('refuses losses without a unique minimiser', () => {
    expect(() => fitHead(h, y, 'correlation')).toThrow(
      /fitHead: loss must be 'logistic', 'square' \(a unique minimiser\) or a Loss object/,
    );
  });
});
