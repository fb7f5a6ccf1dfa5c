import type { GroundTruth, GroundTruthKind, InputDistribution, Task } from '@mtrl/tasks';
import { type DType, fromTypedArray, type Matrix } from '@mtrl/tensors';
import { sampleSuite, type TaskSource } from './source.js';

/**
 * A plain-data description of a {@link suiteSource}: what a worker thread needs to rebuild the
 * same sampler (structured-cloneable, no functions). Read it from `suiteSource(...).spec`.
 */
export interface SuiteSourceSpec {
  /** The ground truth; `m` holds M: [r, d] row-major, in M's own dtype. */
  readonly gt: {
    readonly m: Float64Array | Float32Array | readonly number[];
    readonly d: number;
    readonly r: number;
    readonly kind: GroundTruthKind;
    readonly coordinates?: readonly number[];
  };
  /** The T tasks, none of kind `custom`. */
  readonly tasks: readonly Task[];
  /** The input distribution. */
  readonly inputs: InputDistribution;
}

/**
 * Rebuilds the {@link TaskSource} a spec describes: for the spec of `suiteSource(gt, suite,
 * inputs)` it draws the same batches, bit for bit, from the same keys.
 *
 * @param spec - `{ gt: { m, d, r, kind }, tasks, inputs }`
 * @throws {RangeError} when m does not have r * d entries, or a task is `custom`
 * @example
 * const copy = suiteSourceFromSpec(structuredClone(suiteSource(gt, suite).spec!));
 */
export function suiteSourceFromSpec<D extends DType = DType>(spec: SuiteSourceSpec): TaskSource<D> {
  const g = spec?.gt;
  if (g === undefined || !Number.isInteger(g.d) || !Number.isInteger(g.r))
    throw new RangeError('suiteSourceFromSpec: spec.gt must be { m, d, r, kind }');
  if (g.m?.length !== g.r * g.d)
    throw new RangeError(
      `suiteSourceFromSpec: spec.gt.m has ${g.m?.length} entries, expected r * d = ${g.r * g.d}`,
    );
  if (!Array.isArray(spec.tasks) || spec.tasks.some((t) => t?.kind === 'custom'))
    throw new RangeError('suiteSourceFromSpec: spec.tasks must be an array of non-custom tasks');
  const data =
    g.m instanceof Float32Array || g.m instanceof Float64Array ? g.m : Float64Array.from(g.m);
  const gt: GroundTruth = {
    m: fromTypedArray(data, [g.r, g.d] as const) as Matrix,
    d: g.d,
    r: g.r,
    kind: g.kind,
    ...(g.coordinates === undefined ? {} : { coordinates: g.coordinates }),
  };
  return {
    tasks: spec.tasks.length,
    d: g.d,
    ...sampleSuite<D>(gt, spec.tasks, spec.inputs),
    spec,
  };
}
