import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { UsageError } from './usageError.js';

const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

// Creates `dir` (and its parents) and writes and removes a probe file there.
function ensureWritableDir(flag: string, dir: string, shown = dir): void {
  let ancestor = resolve(dir);
  while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
  if (existsSync(ancestor) && !statSync(ancestor).isDirectory())
    throw new UsageError(
      `${flag} ${shown}: ${ancestor} is a file, so no folder can be made inside it`,
    );
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`${flag} ${shown}: cannot create the folder ${dir} (${why(e)})`);
  }
  const probe = join(dir, `.mtrl-bench-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`${flag} ${shown}: cannot write in the folder ${dir} (${why(e)})`);
  }
}

/**
 * Checks, before any computation, that the output folder `dir` exists or can be created, is a
 * folder and is writable, and that none of `files` inside it is a folder or unwritable. The
 * folder (and its parents) is created.
 *
 * @throws {UsageError} naming the path and the problem
 */
export function checkOutDir(dir: string, files: readonly string[] = [], flag = '--out'): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(
      `${flag} ${dir} is a file, but a folder is expected (outputs go inside it)`,
    );
  ensureWritableDir(flag, dir);
  for (const f of files) {
    const path = join(dir, f);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory())
      throw new UsageError(`${flag} ${dir}: ${path} is a folder, but a file is written there`);
    try {
      accessSync(path, constants.W_OK);
    } catch (e) {
      throw new UsageError(`${flag} ${dir}: cannot write ${path} (${why(e)})`);
    }
  }
}

/**
 * Checks, before any computation, that the output file `file` can be written: not a folder (nor
 * a path ending in a separator), writable if it exists, and in a folder that exists or can be
 * created (it is created).
 *
 * @throws {UsageError} naming the path and the problem
 */
export function checkOutFile(file: string, flag = '--out'): void {
  if (
    file.endsWith(sep) ||
    file.endsWith('/') ||
    (existsSync(file) && statSync(file).isDirectory())
  )
    throw new UsageError(
      `${flag} ${file} is a folder, but a file is expected (for example ${join(file, 'result.json')})`,
    );
  ensureWritableDir(flag, dirname(file), file);
  if (existsSync(file)) {
    try {
      accessSync(file, constants.W_OK);
    } catch (e) {
      throw new UsageError(`${flag} ${file}: cannot write the file (${why(e)})`);
    }
  }
}
