/**
 * The numbers the guide prints from running code, generated at build time: the docs build runs
 * this file (`tsx scripts/outputs.ts`), which runs `examples/getting-started.ts` and writes its
 * output, rounded as the page shows it, to `src/generated/getting-started-output.md`, which
 * getting-started.md includes. test/examples.test.ts runs the example again and checks the
 * generated file against that run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the getting-started study prints for one representation. */
export interface StudyLine {
  readonly energy: number;
  readonly coverage: number;
  readonly xor: number;
}

/** The generated snippet's path. */
export const gettingStartedOutputPath = join(root, 'src/generated/getting-started-output.md');

let runs = 0;

/** Runs examples/getting-started.ts (a fresh module instance each time) and returns what it prints. */
export async function runGettingStarted(): Promise<{ multi: StudyLine; random: StudyLine }> {
  const printed: StudyLine[] = [];
  const log = console.log;
  console.log = (_name: unknown, value: unknown) => {
    printed.push(value as StudyLine);
  };
  try {
    const url = pathToFileURL(join(root, 'examples/getting-started.ts')).href;
    await import(`${url}?run=${runs++}`);
  } finally {
    console.log = log;
  }
  const [multi, random] = printed;
  if (multi === undefined || random === undefined || printed.length !== 2) {
    throw new Error(`examples/getting-started.ts printed ${printed.length} lines, expected 2`);
  }
  return { multi, random };
}

const three = (p: StudyLine) =>
  `{ energy: ${p.energy.toFixed(3)}, coverage: ${p.coverage.toFixed(3)}, xor: ${p.xor.toFixed(3)} }`;
const percent = (x: number) => `${Math.round(100 * x)} %`;

/** The page's output block and the sentence that reads it, from one run. */
export function gettingStartedOutput(run: { multi: StudyLine; random: StudyLine }): string {
  const { multi, random } = run;
  return [
    '```txt',
    `multi-task ${three(multi)}`,
    `random features ${three(random)}`,
    '```',
    '',
    `The pretrained first layer puts ${percent(multi.energy)} of its energy in the 2-dimensional`,
    `subspace (the random layer ${percent(random.energy)}, about r/d = 3 %), and the probe on its`,
    `features solves xor (${percent(multi.xor)} of the test samples) where random features stay at`,
    `chance (${percent(random.xor)}) with 200 samples.`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const run = await runGettingStarted();
  mkdirSync(dirname(gettingStartedOutputPath), { recursive: true });
  writeFileSync(gettingStartedOutputPath, gettingStartedOutput(run));
  console.log(`wrote ${gettingStartedOutputPath}`);
}
