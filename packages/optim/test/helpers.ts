// Shared by the tests in src/: a small fixed problem and comparison helpers.
import { type DType, fromArray, type Tensor, toArray, type Vector } from '@mtrl/tensors';
import { expect } from 'vitest';
import { applyUpdates, type Transform } from '../src/index.js';

/** The starting point of the small problem: one 2-element parameter `w`. */
export const P0 = [1, -2];

/** Fixed gradients for three steps, independent of the parameters so sequences are easy by hand. */
export const GRADS = [
  [1, -2],
  [0.5, 1],
  [-1, 0],
];

/** Runs `opt` from `P0` over `GRADS`, returning `w` after each step. */
export function trajectory<S>(
  opt: Transform<S>,
  opts: { dtype?: DType; p0?: number[]; grads?: number[][] } = {},
): number[][] {
  const { dtype = 'float64', p0 = P0, grads = GRADS } = opts;
  let params: { w: Vector } = { w: fromArray(p0, { dtype }) };
  let state = opt.init(params);
  const out: number[][] = [];
  for (const g of grads) {
    const [updates, next] = opt.update({ w: fromArray(g, { dtype }) }, state, params);
    expect(updates.w.dtype).toBe(dtype);
    params = applyUpdates(params, updates);
    state = next;
    out.push(toArray(params.w));
  }
  return out;
}

/** Elementwise `|a - e| <= atol + rtol * |e|` over nested arrays of equal shape. */
export function expectClose(
  actual: number[] | number[][],
  expected: number[] | number[][],
  atol = 1e-12,
  rtol = 0,
): void {
  const a = (actual as number[]).flat();
  const e = (expected as number[]).flat();
  expect(a.length).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]);
    if (!(Math.abs(a[i] - e[i]) <= tol)) {
      expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

/** The values of a tensor as a flat list. */
export function values(t: Tensor): number[] {
  return (toArray(t) as number[] | number[][]).flat();
}
