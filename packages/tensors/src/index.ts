export type { BackendDescription, BackendKernels, BackendLoader } from './backend.js';
export {
  backendKernels,
  describeBackend,
  getBackend,
  listBackends,
  loadBackend,
  registerBackend,
  setBackend,
  setBackendAsync,
  unregisterBackend,
  withBackend,
} from './backend.js';
export type { DataFor, DType, FloatArray } from './dtype.js';
export { allocate, assertDType, DTYPES, dtypeOf } from './dtype.js';
export {
  add,
  addInto,
  addScalar,
  axpyInto,
  map,
  mul,
  relu,
  reluInto,
  reluMask,
  scale,
  scaleInto,
  sub,
} from './elementwise.js';
export type { ElementwisePath } from './elementwisePath.js';
export { elementwisePath } from './elementwisePath.js';
export type { GemmEpilogue, KernelMap } from './epilogue.js';
export { applyEpilogue, withEpilogue } from './epilogue.js';
export type { Epilogue, GemmOptions } from './gemm.js';
export { gemmInto, matmul, matvec } from './gemm.js';
export { gemmUpperInto } from './gemmUpper.js';
export type {
  FillNormalKernel,
  GemmKernel,
  KernelBackend,
  MaskedGemmKernel,
  MaskFactor,
  SyrkKernel,
} from './kernelTypes.js';
export type { CholeskyOptions } from './linalg/cholesky.js';
export { cholesky, NotPositiveDefiniteError } from './linalg/cholesky.js';
export { choleskySolve } from './linalg/choleskySolve.js';
export type { EighOptions, EighResult } from './linalg/eighSymmetric.js';
export { eighSymmetric } from './linalg/eighSymmetric.js';
export { orthonormalizeRows } from './linalg/orthonormalizeRows.js';
export type { QrResult } from './linalg/qr.js';
export { qr } from './linalg/qr.js';
export { solveSymmetricPositive } from './linalg/solveSymmetricPositive.js';
export type { SvdOptions, SvdResult } from './linalg/svdThin.js';
export { singularValues, svdThin } from './linalg/svdThin.js';
export type { MaskedFactor, MaskedGemmOptions } from './maskedGemm.js';
export { maskedGemmInto } from './maskedGemm.js';
export type { Key, Keys, KeyTuple } from './random/key.js';
export { assertKey, foldIn, key, split, splitNamed } from './random/key.js';
export type { UniformOptions } from './random/sample.js';
export {
  normal,
  normalInto,
  permutation,
  rademacher,
  randomInts,
  uniform,
} from './random/sample.js';
export { Stream, stream } from './random/stream.js';
export { dot, frobeniusNorm, max, mean, min, normalizeRows, rowNorms, sum } from './reductions.js';
export type { SyrkOptions } from './syrk.js';
export { syrkInto } from './syrk.js';
export type { CreateOptions, Matrix, Shape, Tensor, Vector } from './tensor.js';
export {
  assertSameDType,
  assertShape,
  assertTensor,
  col,
  copy,
  copyInto,
  eye,
  fromArray,
  fromTypedArray,
  full,
  get,
  isContiguous,
  row,
  setInto,
  sizeOf,
  sliceCols,
  sliceRows,
  toArray,
  transpose,
  view,
  zeros,
} from './tensor.js';
export type { ConfigIssue, NumberBounds } from './validate.js';
export {
  ConfigError,
  ConfigErrors,
  checkBoolean,
  checkFinite,
  checkFunction,
  checkInt,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptions,
  checkSize,
  checkString,
  formatValue,
  rangeError,
  typeError,
} from './validate.js';
