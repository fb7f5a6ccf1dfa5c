// Run after `changeset version`: copies each package's new version into the source files that
// record it (today only @mtrl/network's src/version.ts, which saved networks carry), so the
// version a file says it was written by matches the published package.
import { readFileSync, writeFileSync } from 'node:fs';

const targets = [{ pkg: 'packages/network/package.json', file: 'packages/network/src/version.ts' }];
for (const { pkg, file } of targets) {
  const { name, version } = JSON.parse(readFileSync(pkg, 'utf8'));
  const text = readFileSync(file, 'utf8');
  if (!/export const VERSION = '[^']*';/.test(text))
    throw new Error(`${file}: no VERSION constant to update`);
  writeFileSync(
    file,
    text.replace(/export const VERSION = '[^']*';/, `export const VERSION = '${version}';`),
  );
  console.log(`${name}: ${file} now says ${version}`);
}
