import {
  assertDType,
  type DType,
  fromArray,
  type Matrix,
  toArray,
  type Vector,
} from '@mtrl/tensors';
import { type Activation, checkActivation } from './activation.js';
import { assertLayer, type Layer } from './layer.js';
import { VERSION } from './version.js';

/** The file format written by {@link saveNetwork}. */
export const NETWORK_FORMAT = 'mtrl-network';
/**
 * The newest format version this package writes; it reads 1, 2 and 3. Version 2 writes NaN, the
 * infinities and -0 as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` and `"-0"`, which JSON
 * numbers cannot carry; version 3 is version 2 plus the layer's `activation` field, written
 * only for a layer whose activation is not ReLU. A ReLU network without special values is
 * written as version 1, which readers of @mtrl/network 0.1.0 also read, so a ReLU network's
 * document is the same as before activations existed.
 */
export const NETWORK_FORMAT_VERSION = 3;

/** A trained network as stored: the shared layer, optional heads, and how it was made. */
export interface SavedNetwork<D extends DType = DType> {
  readonly layer: Layer<D>;
  /** Task heads, one row per task `[T, m]`, if saved. */
  readonly heads?: Matrix<D>;
  /** Any JSON-serialisable description of how the network was produced. */
  readonly config?: unknown;
  /** The seed of the run, if any: a safe integer. */
  readonly seed?: number;
}

/** A parameter as stored: a finite number, or one of the strings of version 2 for the others. */
export type StoredNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** The JSON document of a saved network. */
export interface NetworkJSON {
  format: typeof NETWORK_FORMAT;
  formatVersion: number;
  packageVersion: string;
  dtype: DType;
  shape: { m: number; d: number; tasks: number };
  /** The layer's activation when it is not ReLU (format version 3). */
  activation?: Activation;
  config?: unknown;
  seed?: number;
  params: { w: StoredNumber[][]; b: StoredNumber[]; heads?: StoredNumber[][] };
}

const SPECIAL = new Map<string, number>([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
]);

function encode(v: number): StoredNumber {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : (String(v) as StoredNumber);
}

const isSpecial = (v: StoredNumber) => typeof v === 'string';

/**
 * The network as a versioned JSON document (parameters, dtype, config, seed, package version).
 * Every parameter reads back bit for bit, NaN, the infinities and -0 included (format version 2
 * when there are such values, else 1).
 *
 * @throws {TypeError} for a malformed layer or a seed that is not a safe integer
 * @throws {RangeError} when heads is not `[T, m]`
 * @example
 * fs.writeFileSync('net.json', JSON.stringify(saveNetwork({ layer, config, seed: 0 })));
 */
export function saveNetwork(net: SavedNetwork): NetworkJSON {
  const [m, d] = assertLayer('saveNetwork', net.layer);
  if (net.heads !== undefined && net.heads.shape[1] !== m) {
    throw new RangeError(
      `saveNetwork: heads has shape [${net.heads.shape.join(', ')}], expected [T, ${m}]`,
    );
  }
  if (net.seed !== undefined && !Number.isSafeInteger(net.seed)) {
    throw new TypeError(`saveNetwork: seed must be a safe integer, got ${show(net.seed)}`);
  }
  const w = (toArray(net.layer.w) as number[][]).map((row) => row.map(encode));
  const b = (toArray(net.layer.b) as number[]).map(encode);
  const heads =
    net.heads === undefined
      ? undefined
      : (toArray(net.heads) as number[][]).map((row) => row.map(encode));
  const special =
    w.some((row) => row.some(isSpecial)) ||
    b.some(isSpecial) ||
    (heads?.some((row) => row.some(isSpecial)) ?? false);
  const activation = checkActivation('saveNetwork', 'layer.activation', net.layer.activation);
  const doc: NetworkJSON = {
    format: NETWORK_FORMAT,
    formatVersion: activation !== 'relu' ? 3 : special ? 2 : 1,
    packageVersion: VERSION,
    dtype: net.layer.w.dtype,
    shape: { m, d, tasks: net.heads?.shape[0] ?? 0 },
    params: { w, b },
  };
  if (activation !== 'relu') doc.activation = activation;
  if (heads !== undefined) doc.params.heads = heads;
  if (net.config !== undefined) doc.config = net.config;
  if (net.seed !== undefined) doc.seed = net.seed;
  return doc;
}

function fail(msg: string): never {
  throw new Error(`loadNetwork: ${msg}`);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  return Array.isArray(v) ? `an array of length ${v.length}` : typeof v;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function onlyKeys(name: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    fail(
      `${name} has unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} (known: ${allowed.join(', ')})`,
    );
}

function integer(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    fail(`${name} must be an integer >= ${min}, got ${show(v)}`);
  return v;
}

/**
 * A network from a document written by {@link saveNetwork} (object or JSON string). Every field
 * is checked by name: format, formatVersion (1, 2 or 3), packageVersion, dtype, the layer's
 * activation (version 3; absent means ReLU), shape (m, d >= 1,
 * tasks >= 0), params (w `[m, d]`, b `[m]`, heads `[tasks, m]` exactly when tasks > 0), each
 * parameter a finite number (in float32 range for float32) or, in version 2, `"NaN"`,
 * `"Infinity"`, `"-Infinity"` or `"-0"`, and the optional seed a safe integer. Unknown fields
 * are refused.
 *
 * @throws {Error} naming the first missing, ill-typed or unknown field
 */
export function loadNetwork(doc: unknown): SavedNetwork {
  let j: unknown = doc;
  if (typeof doc === 'string') {
    try {
      j = JSON.parse(doc);
    } catch (e) {
      fail(`not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isRecord(j)) fail('expected a JSON object');
  if (j.format !== NETWORK_FORMAT)
    fail(`format must be ${JSON.stringify(NETWORK_FORMAT)}, got ${show(j.format)}`);
  if (j.formatVersion !== 1 && j.formatVersion !== 2 && j.formatVersion !== 3) {
    fail(
      `unknown formatVersion ${JSON.stringify(j.formatVersion)} (written by @mtrl/network ${String(j.packageVersion)}); this is @mtrl/network ${VERSION}, which reads versions 1 to ${NETWORK_FORMAT_VERSION}`,
    );
  }
  const version = j.formatVersion;
  onlyKeys('the document', j, [
    'format',
    'formatVersion',
    'packageVersion',
    'dtype',
    'shape',
    ...(version === 3 ? ['activation'] : []),
    'config',
    'seed',
    'params',
  ]);
  if (typeof j.packageVersion !== 'string')
    fail(`packageVersion must be a string, got ${show(j.packageVersion)}`);
  assertDType('loadNetwork', j.dtype);
  const dtype = j.dtype;
  if (!isRecord(j.shape)) fail(`shape must be { m, d, tasks }, got ${show(j.shape)}`);
  onlyKeys('shape', j.shape, ['m', 'd', 'tasks']);
  const m = integer('shape.m', j.shape.m, 1);
  const d = integer('shape.d', j.shape.d, 1);
  const tasks = integer('shape.tasks', j.shape.tasks, 0);
  if (!isRecord(j.params)) fail(`params must be { w, b, heads? }, got ${show(j.params)}`);
  const p = j.params;
  onlyKeys('params', p, ['w', 'b', 'heads']);
  const value = (name: string, v: unknown): number => {
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (dtype === 'float32' && !Number.isFinite(Math.fround(v)))
        fail(`${name} is ${v}, beyond the float32 range`);
      return v;
    }
    if (version >= 2 && typeof v === 'string' && SPECIAL.has(v)) return SPECIAL.get(v)!;
    const hint =
      v === null
        ? ' (a NaN or infinity that @mtrl/network 0.1.0 wrote as null: its value is lost)'
        : '';
    fail(
      `${name} must be a finite number${version >= 2 ? ' or "NaN", "Infinity", "-Infinity", "-0"' : ''}, got ${show(v)}${hint}`,
    );
  };
  const vector = (name: string, v: unknown, n: number): number[] => {
    if (!Array.isArray(v) || v.length !== n)
      fail(`${name} must be an array of length ${n}, got ${show(v)}`);
    return v.map((x, i) => value(`${name}[${i}]`, x));
  };
  const rows = (name: string, v: unknown, r: number, c: number): number[][] => {
    if (
      !Array.isArray(v) ||
      v.length !== r ||
      v.some((row) => !Array.isArray(row) || row.length !== c)
    ) {
      fail(
        `${name} must be a ${r} x ${c} array (shape recorded as m=${m}, d=${d}, tasks=${tasks})`,
      );
    }
    return v.map((row: unknown[], i) => vector(`${name}[${i}]`, row, c));
  };
  const w = fromArray(rows('params.w', p.w, m, d), { dtype }) as Matrix;
  const b = fromArray(vector('params.b', p.b, m), { dtype }) as Vector;
  let activation: Activation | undefined;
  if (version === 3 && j.activation !== undefined) {
    try {
      activation = checkActivation('loadNetwork', 'activation', j.activation);
    } catch (e) {
      fail((e as Error).message.replace(/^loadNetwork: /, ''));
    }
  }
  const layer: Layer =
    activation === undefined || activation === 'relu' ? { w, b } : { w, b, activation };
  const out: { layer: Layer; heads?: Matrix; config?: unknown; seed?: number } = { layer };
  if (tasks > 0)
    out.heads = fromArray(rows('params.heads', p.heads, tasks, m), { dtype }) as Matrix;
  else if (p.heads !== undefined)
    fail('params.heads is present but shape.tasks is 0 (set shape.tasks to its number of rows)');
  if (j.config !== undefined) out.config = j.config;
  if (j.seed !== undefined) {
    if (typeof j.seed !== 'number' || !Number.isSafeInteger(j.seed))
      fail(`seed must be a safe integer, got ${show(j.seed)}`);
    out.seed = j.seed;
  }
  return out;
}
