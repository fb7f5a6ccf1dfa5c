// The balance check of custom families: a labelling that gives (almost) every z the same sign
// makes a task a learner solves by guessing, which is easy to write by mistake (an offset too
// large, a product of many signs that is always positive) and silent otherwise.

import { formatValue, type Key, normal } from '@mtrl/tensors';
import { sign } from './sign.js';
import type { Labelling } from './taskFamily.js';

/** What the check measures against and how to name the task in its errors. @internal */
export interface BalanceSettings {
  /** The task's index in its suite. */
  readonly index: number;
  /** The family's name. */
  readonly family: string;
  readonly maxImbalance: number;
  readonly samples: number;
}

/**
 * Estimates `|E y|` of `sign(fn(z))` on `samples` draws of z ~ N(0, I_r) from `key` and
 * throws when it exceeds `maxImbalance`, or when fn returns anything but a finite number.
 * @internal
 */
export function checkLabellingBalance(
  op: string,
  fn: Labelling,
  key: Key,
  r: number,
  s: BalanceSettings,
): void {
  const z = normal(key, [s.samples, r] as const).data;
  const row = new Float64Array(r);
  const what = `task ${s.index} of family ${formatValue(s.family)}`;
  let sum = 0;
  for (let i = 0; i < s.samples; i++) {
    for (let a = 0; a < r; a++) row[a] = z[i * r + a];
    const v: unknown = fn(row);
    if (typeof v !== 'number') {
      throw new TypeError(
        `${op}: ${what}: the labelling must return a number, got ${formatValue(v)}`,
      );
    }
    if (!Number.isFinite(v)) {
      const at = Array.from(z.subarray(i * r, (i + 1) * r), (e) => e.toPrecision(4)).join(', ');
      throw new RangeError(
        `${op}: ${what}: the labelling must return finite numbers, got ${String(v)} at z = [${at}]`,
      );
    }
    sum += sign(v);
  }
  const imbalance = Math.abs(sum) / s.samples;
  if (imbalance > s.maxImbalance) {
    throw new RangeError(
      `${op}: ${what} is unbalanced: |E y| = ${imbalance.toFixed(3)} on ${s.samples} draws of z ~ N(0, I_${r}), above maxImbalance = ${s.maxImbalance}; change the family, or set balance: { maxImbalance } or balance: false`,
    );
  }
}
