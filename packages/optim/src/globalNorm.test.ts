import { fromArray, transpose } from '@mtrl/tensors';
import { describe, expect, it } from 'vitest';
import { globalNorm } from './index.js';

describe('globalNorm', () => {
  it('is the Euclidean norm of all entries together', () => {
    expect(
      globalNorm({
        w: fromArray([
          [1, 2],
          [2, 0],
        ]),
        b: fromArray([4]),
      }),
    ).toBe(5);
    expect(globalNorm({ w: transpose(fromArray([[3], [4]])) })).toBe(5);
    expect(globalNorm({})).toBe(0);
  });

  it('rejects non-tensors', () => {
    expect(() => globalNorm({ w: [1, 2] as never })).toThrow(
      /globalNorm: tensors\.w must be a Tensor/,
    );
    expect(() => globalNorm(null as never)).toThrow(/globalNorm: tensors must be a record/);
  });
});
