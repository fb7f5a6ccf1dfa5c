import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DType } from '@mtrl/tensors';
import type { RoundSize } from './rounds.js';

/** The default `--peer-script`: ../shared/peers/numpy_step.py beside the repository root, if it exists. */
export function defaultPeerScript(): string | undefined {
  // From src/perf/ (or dist/perf/) up to the folder holding the repository.
  const path = fileURLToPath(new URL('../../../../../shared/peers/numpy_step.py', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** What the numpy peer prints (one JSON line), with the fields `perf` reads. */
export interface PeerResult {
  readonly peer: string;
  readonly size: string;
  readonly dtype: string;
  readonly threads: string | null;
  readonly reps: number;
  readonly round_s: number;
  readonly sampling_s?: number;
  readonly math_s?: number;
  readonly math_gflops?: number;
  readonly normals_per_s?: number;
  /**
   * The BLAS library numpy loaded in this python (added by `perf`, not the script): its file
   * name, `optimised` false for the reference BLAS (Debian's default with python3-numpy alone,
   * several times slower than OpenBLAS), or null when it could not be found.
   */
  readonly blas?: PeerBlas | null;
  readonly [field: string]: unknown;
}

/** Which BLAS numpy runs on: the shared library it loaded, and whether it is an optimised one. */
export interface PeerBlas {
  readonly library: string;
  readonly optimised: boolean;
}

/** The hint shown when numpy runs on the reference BLAS. */
export const REFERENCE_BLAS_HINT =
  'numpy runs on the reference BLAS, several times slower than OpenBLAS, so ours/numpy flatters ours; install OpenBLAS (Debian: apt-get install -y libopenblas0-pthread) and rerun';

// Imports numpy, runs one product so the BLAS is loaded, and prints the BLAS and LAPACK
// libraries mapped into the process.
const BLAS_PROBE = [
  'import numpy as np',
  'np.dot(np.ones((2, 2)), np.ones((2, 2)))',
  "print('\\n'.join(sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower()})))",
].join('; ');

const blasCache = new Map<string, PeerBlas | null>();

/**
 * The BLAS numpy loads in `python` (read from /proc/self/maps after one product), cached per
 * python; null when numpy or /proc is unavailable. An OpenBLAS, MKL or BLIS library counts as
 * optimised; anything else (Debian's reference `blas/libblas.so.3`) does not.
 */
export function peerBlas(python: string): PeerBlas | null {
  const cached = blasCache.get(python);
  if (cached !== undefined) return cached;
  let found: PeerBlas | null = null;
  try {
    const libs = execFileSync(python, ['-c', BLAS_PROBE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const optimised = libs.find((l) => /openblas|mkl|blis/i.test(l));
    const library = optimised ?? libs.find((l) => /libblas|cblas/i.test(l)) ?? libs[0];
    if (library !== undefined) found = { library, optimised: optimised !== undefined };
  } catch {
    found = null;
  }
  blasCache.set(python, found);
  return found;
}

/** Sizes the numpy peer script knows. */
export const PEER_SIZES: readonly RoundSize[] = ['quick', 'canonical'];

/**
 * Runs the numpy peer for one round size:
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=<threads> python3 <script>
 * --size <size> --dtype f32|f64 --reps <reps>` and parses the last line of its output as JSON.
 *
 * @throws {Error} naming the script when it is missing, python3 when it cannot start,
 *   python3-numpy when numpy is not installed, and the output when it is not the expected JSON
 */
export function runNumpyPeer(
  peer: { script: string; python?: string },
  size: RoundSize,
  dtype: DType,
  threads: number,
  reps: number,
): PeerResult {
  checkPeerScript(peer.script);
  const python = peer.python ?? '/usr/bin/python3';
  const args = [
    '-u',
    'OPENBLAS_CORETYPE',
    '-u',
    'OPENBLAS_L2_SIZE',
    `OPENBLAS_NUM_THREADS=${threads}`,
    python,
    peer.script,
    '--size',
    size,
    '--dtype',
    dtype === 'float32' ? 'f32' : 'f64',
    '--reps',
    String(reps),
  ];
  let out: string;
  try {
    out = execFileSync('env', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const stderr = String(err.stderr ?? '');
    if (/No module named ['"]?numpy/.test(stderr))
      throw new Error(
        `--peer numpy: ${python} has no numpy; install python3-numpy with OpenBLAS (Debian: apt-get install -y python3-numpy libopenblas0-pthread)`,
      );
    if (/No such file or directory/.test(stderr) && stderr.includes(python))
      throw new Error(`--peer numpy: ${python} not found; install python3 and python3-numpy`);
    throw new Error(
      `--peer numpy: \`env ${args.join(' ')}\` failed: ${stderr.trim() || err.message}`,
    );
  }
  const line = out.trim().split('\n').pop() ?? '';
  let doc: PeerResult;
  try {
    doc = JSON.parse(line) as PeerResult;
  } catch {
    throw new Error(
      `--peer numpy: expected one JSON line from ${peer.script}, got ${JSON.stringify(out.slice(0, 200))}`,
    );
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.round_s !== 'number')
    throw new Error(
      `--peer numpy: the output of ${peer.script} has no numeric round_s: ${line.slice(0, 200)}`,
    );
  return { ...doc, blas: peerBlas(python) };
}

/** @throws {Error} when the peer script does not exist */
export function checkPeerScript(script: string): void {
  if (!existsSync(script))
    throw new Error(
      `--peer-script: ${script} does not exist (the numpy peer is ../shared/peers/numpy_step.py beside the repository root; pass its path with --peer-script)`,
    );
}
