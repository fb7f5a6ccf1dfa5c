import { groundTruth } from '@mtrl/tasks';
import { fromArray, key, normal, transpose, zeros } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import {
  coverage,
  featureMap,
  layerFeatures,
  principalAngles,
  rowEnergy,
  subspaceAngles,
  subspaceEnergy,
} from './index.js';

const gt = groundTruth(key(0), { d: 8, r: 2 });

/** A [3, 8] matrix with `bad` at [1, 2]. */
function withEntry(bad: number) {
  const w = normal(key(1), [3, 8] as const);
  w.data[1 * 8 + 2] = bad;
  return w;
}

describe('probes refuse NaN and infinite inputs, naming the function, argument and entry', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const w = withEntry(bad);
    const at = (i: number, j: number) =>
      new RegExp(`must have finite entries, got ${String(bad)} at \\[${i}, ${j}\\]`);
    const cases: [string, () => unknown, RegExp, RegExp][] = [
      ['subspaceEnergy', () => subspaceEnergy(w, gt), /^subspaceEnergy: w /, at(1, 2)],
      ['rowEnergy', () => rowEnergy(w, gt), /^rowEnergy: w /, at(1, 2)],
      ['coverage', () => coverage(w, gt), /^coverage: w /, at(1, 2)],
      ['subspaceAngles', () => subspaceAngles(w, gt), /^subspaceAngles: w /, at(1, 2)],
      [
        'principalAngles',
        () => principalAngles(transpose(gt.m), transpose(w)),
        /^principalAngles: b /,
        at(2, 1),
      ],
      [
        'featureMap',
        () => featureMap(key(2), { w, b: zeros([3] as const) })(normal(key(5), [2, 8] as const)),
        /^featureMap: layer\.w /,
        at(1, 2),
      ],
      [
        'layerFeatures',
        () => layerFeatures({ w, b: zeros([3] as const) })(normal(key(5), [2, 8] as const)),
        /^layerFeatures: layer\.w /,
        at(1, 2),
      ],
      [
        'a subspace basis',
        () => subspaceEnergy(normal(key(3), [3, 8] as const), { m: w }),
        /^subspaceEnergy: subspace\.m /,
        at(1, 2),
      ],
    ];
    it.each(cases)(`%s with ${String(bad)}`, (_name, run, who, where) => {
      expect(run).toThrow(who);
      expect(run).toThrow(where);
    });
  }

  it('checks biases and the inputs of a feature map', () => {
    const w = normal(key(1), [3, 8] as const);
    const x0 = normal(key(5), [2, 8] as const);
    // A map of a bad layer can be made (a diverged method's representation carries one) ...
    const bad = layerFeatures({ w, b: fromArray([0, Number.NaN, 0]) });
    // ... and is refused when applied.
    expect(() => bad(x0)).toThrow(
      /^layerFeatures: layer\.b must have finite entries, got NaN at \[1\]/,
    );
    const phi = layerFeatures({ w, b: zeros([3] as const) });
    const x = normal(key(4), [2, 8] as const);
    x.data[5] = Number.NaN;
    expect(() => phi(x)).toThrow(/^layerFeatures: x must have finite entries, got NaN at \[0, 5\]/);
  });
});
