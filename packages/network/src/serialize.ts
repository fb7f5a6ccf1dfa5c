import {
  assertDType,
  type DType,
  fromArray,
  type Matrix,
  toArray,
  type Vector,
} from '@mtrl/tensors';
import { assertLayer, type Layer } from './layer.js';
import { VERSION } from './version.js';

/** The file format written by {@link saveNetwork}. */
export const NETWORK_FORMAT = 'mtrl-network';
/** The format version this package reads and writes. */
export const NETWORK_FORMAT_VERSION = 1;

/** A trained network as stored: the shared layer, optional heads, and how it was made. */
export interface SavedNetwork<D extends DType = DType> {
  readonly layer: Layer<D>;
  /** Task heads, one row per task `[T, m]`, if saved. */
  readonly heads?: Matrix<D>;
  /** Any JSON-serialisable description of how the network was produced. */
  readonly config?: unknown;
  /** The seed of the run, if any. */
  readonly seed?: number;
}

/** The JSON document of a saved network. */
export interface NetworkJSON {
  format: typeof NETWORK_FORMAT;
  formatVersion: number;
  packageVersion: string;
  dtype: DType;
  shape: { m: number; d: number; tasks: number };
  config?: unknown;
  seed?: number;
  params: { w: number[][]; b: number[]; heads?: number[][] };
}

/**
 * The network as a versioned JSON document (parameters, dtype, config, seed, package version).
 *
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
  const doc: NetworkJSON = {
    format: NETWORK_FORMAT,
    formatVersion: NETWORK_FORMAT_VERSION,
    packageVersion: VERSION,
    dtype: net.layer.w.dtype,
    shape: { m, d, tasks: net.heads?.shape[0] ?? 0 },
    params: { w: toArray(net.layer.w), b: toArray(net.layer.b) },
  };
  if (net.heads !== undefined) doc.params.heads = toArray(net.heads);
  if (net.config !== undefined) doc.config = net.config;
  if (net.seed !== undefined) doc.seed = net.seed;
  return doc;
}

function fail(msg: string): never {
  throw new Error(`loadNetwork: ${msg}`);
}

/**
 * A network from a document written by {@link saveNetwork} (object or JSON string).
 *
 * @throws {Error} for another format, an unknown format version, or parameters whose shapes
 *   disagree with the recorded shape
 */
export function loadNetwork(doc: unknown): SavedNetwork {
  const j = (typeof doc === 'string' ? JSON.parse(doc) : doc) as Partial<NetworkJSON> | null;
  if (j === null || typeof j !== 'object') fail('expected a JSON object');
  if (j.format !== NETWORK_FORMAT)
    fail(`format must be ${JSON.stringify(NETWORK_FORMAT)}, got ${JSON.stringify(j.format)}`);
  if (j.formatVersion !== NETWORK_FORMAT_VERSION) {
    fail(
      `unknown formatVersion ${JSON.stringify(j.formatVersion)} (written by @mtrl/network ${String(j.packageVersion)}); this is @mtrl/network ${VERSION}, which reads version ${NETWORK_FORMAT_VERSION}`,
    );
  }
  assertDType('loadNetwork', j.dtype);
  const { m, d, tasks } = j.shape ?? fail('missing shape');
  const p = j.params ?? fail('missing params');
  const dtype = j.dtype;
  const check = (name: string, rows: unknown, r: number, c: number): number[][] => {
    if (
      !Array.isArray(rows) ||
      rows.length !== r ||
      rows.some((row) => !Array.isArray(row) || row.length !== c)
    ) {
      fail(
        `params.${name} must be a ${r} x ${c} array (shape recorded as m=${m}, d=${d}, tasks=${tasks})`,
      );
    }
    return rows as number[][];
  };
  const w = fromArray(check('w', p.w, m, d), { dtype }) as Matrix;
  if (!Array.isArray(p.b) || p.b.length !== m) fail(`params.b must have length ${m}`);
  const b = fromArray(p.b, { dtype }) as Vector;
  const out: { layer: Layer; heads?: Matrix; config?: unknown; seed?: number } = {
    layer: { w, b },
  };
  if (tasks > 0) out.heads = fromArray(check('heads', p.heads, tasks, m), { dtype }) as Matrix;
  if (j.config !== undefined) out.config = j.config;
  if (j.seed !== undefined) out.seed = j.seed;
  return out;
}
