import {
  assertKey,
  checkBoolean,
  checkInt,
  checkOptions,
  foldIn,
  formatValue,
  type Key,
} from '@mtrl/tensors';

/** Options for {@link curve}. */
export interface CurveOptions<X> {
  /** Repetitions per point, an integer >= 1; default 5. */
  seeds?: number;
  /**
   * `true` (default): repetition s uses the key `foldIn(key, s)` at every x (common random
   * numbers), so neighbouring points, and two curves run from one key, differ only through x.
   * `false`: repetition s at the i-th x uses `foldIn(foldIn(key, s), i)`, independent across x.
   */
  paired?: boolean;
  /** Called after each point, for progress. */
  onPoint?: (point: CurvePoint<X>, index: number) => void;
}

/** One point of a curve: the mean over seeds with its standard error. */
export interface CurvePoint<X> {
  readonly x: X;
  /** Mean of `values`. */
  readonly mean: number;
  /** Standard error of the mean, `sd / sqrt(k)` with the k - 1 sample variance; NaN for k = 1. */
  readonly stderr: number;
  /** One value per repetition, in seed order. */
  readonly values: readonly number[];
}

/**
 * Mean and standard error of a sample.
 * @param values - k >= 1 numbers
 * @returns `{ mean, stderr }`, stderr = `sqrt(sum (v - mean)^2 / (k - 1)) / sqrt(k)` (NaN for k = 1)
 * @throws {RangeError} for an empty sample
 * @example
 * meanStderr([1, 2, 3]); // returns { mean: 2, stderr: 0.5773502691896258 }
 */
export function meanStderr(values: readonly number[]): { mean: number; stderr: number } {
  const k = values.length;
  if (!(k >= 1)) throw new RangeError('meanStderr: values must hold at least one number');
  let mean = 0;
  for (const v of values) mean += v;
  mean /= k;
  if (k === 1) return { mean, stderr: Number.NaN };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, stderr: Math.sqrt(ss / (k - 1) / k) };
}

/**
 * A curve of a noisy measurement against a parameter (such as accuracy against n_train, m or d;
 * docs: Specification, 'Curves'): for every x in `xs`, `fn(key_s, x)` is run for `seeds`
 * repetitions and summarised by its mean and standard error. The measurement is any function of a
 * key and x, so one helper serves every curve: the function decides what x means (sample size,
 * width, dimension) and draws all its randomness from the key it is given.
 * @param key - the root key of the curve
 * @param xs - the parameter values, in the order to run them
 * @param fn - the measurement, `(key, x) -> number`
 * @param opts - `{ seeds?, paired?, onPoint? }`
 * @returns one point `{ x, mean, stderr, values }` per x, in order
 * @throws {TypeError} when fn is not a function or xs is not an array
 * @throws {RangeError} when seeds is not an integer >= 1
 * @example
 * const points = curve(key(0), [50, 200, 800], (k, nTrain) =>
 *   evaluateDownstream(k, { features: phi, task, gt, nTrain, nTest: 2000 }).testAccuracy,
 * { seeds: 5 });
 * points[0]; // returns { x: 50, mean: ..., stderr: ..., values: [5 accuracies] }
 */
export function curve<X>(
  key: Key,
  xs: readonly X[],
  fn: (key: Key, x: X) => number,
  opts?: CurveOptions<X>,
): CurvePoint<X>[] {
  const op = 'curve';
  assertKey(op, key);
  if (!Array.isArray(xs)) throw new TypeError(`${op}: xs must be an array, got ${formatValue(xs)}`);
  if (typeof fn !== 'function')
    throw new TypeError(`${op}: fn must be a function (key, x) -> number`);
  const o = checkOptions(op, opts);
  const seeds = checkInt(op, 'opts.seeds', o.seeds ?? 5, { min: 1 });
  const paired = checkBoolean(op, 'opts.paired', o.paired ?? true);
  const points: CurvePoint<X>[] = [];
  xs.forEach((x, i) => {
    const values: number[] = [];
    for (let s = 0; s < seeds; s++) {
      const k = paired ? foldIn(key, s) : foldIn(foldIn(key, s), i);
      const v = fn(k, x);
      if (typeof v !== 'number') {
        throw new TypeError(
          `${op}: fn must return a number, got ${formatValue(v)} at x index ${i}, seed ${s}`,
        );
      }
      values.push(v);
    }
    const point = { x, ...meanStderr(values), values };
    points.push(point);
    o.onPoint?.(point, i);
  });
  return points;
}
