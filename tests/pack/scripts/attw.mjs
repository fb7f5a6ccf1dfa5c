// `attw --profile esm-only` for many tarballs in one process (one TypeScript load instead of
// one per package): node scripts/attw.mjs a.tgz b.tgz ... prints one line per tarball and
// exits 1 if any has a problem or no types. It runs outside vitest, whose resolver would pick
// @arethetypeswrong/core's TypeScript sources through their "development" export condition.
//
// The packages are ESM only ("type": "module", no require condition), so a CommonJS `require`
// resolving to ESM is expected: the esm-only profile ignores the node10 and node16-from-CJS
// resolutions and checks node16-from-ESM and bundler.
import { readFileSync } from 'node:fs';
import { getExitCode } from '@arethetypeswrong/cli/internal/getExitCode';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';

const ignoreResolutions = ['node10', 'node16-cjs'];
let failed = false;
for (const tarball of process.argv.slice(2)) {
  const analysis = await checkPackage(createPackageFromTarballData(readFileSync(tarball)));
  const name = `${analysis.packageName}@${analysis.packageVersion}`;
  if (!analysis.types) {
    failed = true;
    console.log(`${name}: no types found`);
  } else if (getExitCode(analysis, { ignoreResolutions }) !== 0) {
    failed = true;
    const problems = analysis.problems.filter(
      (p) => !('resolutionKind' in p) || !ignoreResolutions.includes(p.resolutionKind),
    );
    console.log(`${name}: ${JSON.stringify(problems, null, 2)}`);
  } else {
    console.log(`${name}: ok (${analysis.types.kind} types, esm-only profile)`);
  }
}
process.exitCode = failed ? 1 : 0;
