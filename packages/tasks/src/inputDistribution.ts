import { assertKey, checkInt, checkNumber, type Key, normal } from '@mtrl/tensors';
import { checkKind, checkVector } from './_validate.js';

/** `x ~ N(0, I_d)`. The default input distribution. */
export interface GaussianInputs {
  readonly kind: 'gaussian';
}

/** x uniform on the sphere of radius `sqrt(d)` (so `E|x|^2 = d`, as for the Gaussian). */
export interface SphereInputs {
  readonly kind: 'sphere';
}

/** x uniform on the hypercube `{-1, +1}^d`. */
export interface HypercubeInputs {
  readonly kind: 'hypercube';
}

/**
 * A Gaussian mixture aligned with the ground truth: `x = M^T mu_c + xi`, with c uniform over the
 * K centres `mu_c` in R^r and `xi ~ N(0, noiseStd^2 I_d)`. Make one with random centres with
 * {@link mixtureDistribution}.
 */
export interface MixtureInputs {
  readonly kind: 'mixture';
  /** K >= 1 centres, each of length r. */
  readonly centres: readonly (readonly number[])[];
  /** Standard deviation s >= 0 of the isotropic noise xi. */
  readonly noiseStd: number;
}

/**
 * Where inputs x in R^d come from (docs: Specification, 'Input distributions'). Discriminated
 * on `kind`.
 */
export type InputDistribution = GaussianInputs | SphereInputs | HypercubeInputs | MixtureInputs;

/** The kinds of {@link InputDistribution}, in a stable order. */
export const INPUT_KINDS: readonly InputDistribution['kind'][] = [
  'gaussian',
  'sphere',
  'hypercube',
  'mixture',
];

/** Options for {@link mixtureDistribution}. */
export interface MixtureOptions {
  /** Subspace dimension r (the length of each centre). */
  r: number;
  /** Number of centres K >= 1. */
  k: number;
  /** Centres are drawn i.i.d. `N(0, centreStd^2 I_r)`; default 2. */
  centreStd?: number;
  /** Noise standard deviation s >= 0; default 1. */
  noiseStd?: number;
}

/**
 * A mixture input distribution with K random centres `mu_c ~ N(0, centreStd^2 I_r)`, drawn once
 * from `key` so that every later sample uses the same centres.
 *
 * @param key - the key for the centres
 * @param opts - `{ r, k, centreStd?, noiseStd? }`
 * @returns `{ kind: 'mixture', centres: [k][r], noiseStd }`
 * @throws {RangeError} when r < 1 or k < 1 (or not integers), or a std is negative
 * @example
 * const dist = mixtureDistribution(key(1), { r: 4, k: 8, noiseStd: 0.5 });
 * dist.centres.length; // returns 8
 */
export function mixtureDistribution(key: Key, opts: MixtureOptions): MixtureInputs {
  const op = 'mixtureDistribution';
  assertKey(op, key);
  const r = checkInt(op, 'r', opts.r, { min: 1 });
  const k = checkInt(op, 'k', opts.k, { min: 1 });
  const centreStd = checkNumber(op, 'centreStd', opts.centreStd ?? 2, { min: 0 });
  const noiseStd = checkNumber(op, 'noiseStd', opts.noiseStd ?? 1, { min: 0 });
  const g = normal(key, [k, r] as const);
  const centres: number[][] = [];
  for (let c = 0; c < k; c++)
    centres.push(Array.from(g.data.subarray(c * r, (c + 1) * r), (v) => v * centreStd));
  return { kind: 'mixture', centres, noiseStd };
}

/**
 * Validates an input distribution for a ground truth of dimension r; returns it with any
 * internal copies made. @internal
 */
export function checkInputDistribution(op: string, dist: unknown, r: number): InputDistribution {
  const kind = checkKind(op, 'dist', dist, INPUT_KINDS);
  if (kind !== 'mixture') return { kind };
  const m = dist as MixtureInputs;
  if (!Array.isArray(m.centres) || m.centres.length < 1) {
    throw new RangeError(
      `${op}: dist.centres must hold K >= 1 centres, got ${Array.isArray(m.centres) ? 'K = 0' : String(m.centres)}`,
    );
  }
  const centres = m.centres.map((c, i) => checkVector(op, `dist.centres[${i}]`, c, r));
  const noiseStd = checkNumber(op, 'dist.noiseStd', m.noiseStd, { min: 0 });
  return { kind, centres, noiseStd };
}
