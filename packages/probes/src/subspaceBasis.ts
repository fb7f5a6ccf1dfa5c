import type { Matrix } from '@mtrl/tensors';

/**
 * An r-dimensional subspace of R^d given by a matrix `[r, d]` with orthonormal rows, or by any
 * object holding one as `m` (a `GroundTruth` of @mtrl/tasks). `subspaceEnergy`, `coverage`
 * and `subspaceAngles` take one.
 */
export type SubspaceBasis = Matrix | { readonly m: Matrix };
