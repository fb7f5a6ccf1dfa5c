import { assertTensor } from '@mtrl/tensors';
import type { GroundTruth } from './groundTruth.js';

/** Throws unless `gt` looks like a ground truth (`m: [r, d]` with matching `d`, `r`). */
export function checkGroundTruth(op: string, gt: unknown): asserts gt is GroundTruth {
  const g = gt as GroundTruth | null;
  if (g === null || typeof g !== 'object') {
    throw new TypeError(`${op}: gt must be a GroundTruth from groundTruth or groundTruthFrom`);
  }
  assertTensor(op, 'gt.m', g.m, 2);
  if (g.m.shape[0] !== g.r || g.m.shape[1] !== g.d || !(g.r >= 1 && g.r <= g.d)) {
    throw new RangeError(
      `${op}: gt.m has shape [${g.m.shape.join(', ')}] but gt says r=${String(g.r)}, d=${String(g.d)}`,
    );
  }
}
