import {
  type GroundTruth,
  type GroundTruthKind,
  type InputDistribution,
  rebuildTasks,
  type Task,
  type TaskData,
} from '@mtrl/tasks';
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
  /**
   * The T tasks as plain data (`taskData` of @mtrl/tasks): built-in tasks as they are, custom
   * tasks of a module family as their module reference, key and index.
   */
  readonly tasks: readonly TaskData[];
  /** The input distribution. */
  readonly inputs: InputDistribution;
}

/**
 * Rebuilds the {@link TaskSource} a spec describes: for the spec of `suiteSource(gt, suite,
 * inputs)` it draws the same batches, bit for bit, from the same keys. Synchronous, so for
 * built-in tasks only; a spec with custom tasks of a module family needs
 * {@link suiteSourceFromSpecAsync}, which loads their modules.
 *
 * @param spec - `{ gt: { m, d, r, kind }, tasks, inputs }`
 * @throws {RangeError} when m does not have r * d entries, or a task is `custom`
 * @example
 * const copy = suiteSourceFromSpec(structuredClone(suiteSource(gt, suite).spec!));
 */
export function suiteSourceFromSpec<D extends DType = DType>(spec: SuiteSourceSpec): TaskSource<D> {
  const gt = checkSpec('suiteSourceFromSpec', spec);
  if (spec.tasks.some((t) => t?.kind === 'custom'))
    throw new RangeError(
      'suiteSourceFromSpec: spec.tasks has custom tasks, whose modules load asynchronously; use suiteSourceFromSpecAsync',
    );
  return fromParts<D>(spec, gt, spec.tasks as readonly Task[]);
}

/**
 * {@link suiteSourceFromSpec} for any spec, custom tasks of a module family included: their
 * family modules are loaded (`rebuildTasks` of @mtrl/tasks) and each task's labelling is
 * rebuilt from its key, so the source draws the same batches, bit for bit. Worker threads use
 * this.
 *
 * @param spec - `{ gt: { m, d, r, kind }, tasks, inputs }`
 * @returns a promise of the source
 * @throws {RangeError} | {TypeError} (as a rejection) for a malformed spec or a module that
 *   cannot be loaded
 * @example
 * const copy = await suiteSourceFromSpecAsync(structuredClone(source.spec!));
 */
export async function suiteSourceFromSpecAsync<D extends DType = DType>(
  spec: SuiteSourceSpec,
): Promise<TaskSource<D>> {
  const gt = checkSpec('suiteSourceFromSpecAsync', spec);
  return fromParts<D>(spec, gt, await rebuildTasks(spec.tasks));
}

function checkSpec(op: string, spec: SuiteSourceSpec): GroundTruth {
  const g = spec?.gt;
  if (g === undefined || !Number.isInteger(g.d) || !Number.isInteger(g.r))
    throw new RangeError(`${op}: spec.gt must be { m, d, r, kind }`);
  if (g.m?.length !== g.r * g.d)
    throw new RangeError(
      `${op}: spec.gt.m has ${g.m?.length} entries, expected r * d = ${g.r * g.d}`,
    );
  if (!Array.isArray(spec.tasks))
    throw new RangeError(`${op}: spec.tasks must be an array of tasks as data (taskData)`);
  const data =
    g.m instanceof Float32Array || g.m instanceof Float64Array ? g.m : Float64Array.from(g.m);
  return {
    m: fromTypedArray(data, [g.r, g.d] as const) as Matrix,
    d: g.d,
    r: g.r,
    kind: g.kind,
    ...(g.coordinates === undefined ? {} : { coordinates: g.coordinates }),
  };
}

function fromParts<D extends DType>(
  spec: SuiteSourceSpec,
  gt: GroundTruth,
  tasks: readonly Task[],
): TaskSource<D> {
  return {
    tasks: tasks.length,
    d: gt.d,
    ...sampleSuite<D>(gt, tasks, spec.inputs),
    spec,
  };
}
