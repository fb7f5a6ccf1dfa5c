import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordLog, readRecords } from './sweepLog.js';

interface Rec {
  readonly id: string;
  readonly values: readonly number[];
}

describe('openRecordLog', () => {
  it('reads back NaN, infinities and -0 as written, which plain JSON would not', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mtrl-log-')), 'log.jsonl');
    const values = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      0,
      1.5e-300,
    ];
    const exact = { exactNumbers: true };
    const log = openRecordLog<Rec>(file, exact);
    expect(log.record({ id: 'a', values })).toBe(true);
    expect(log.record({ id: 'a', values: [] })).toBe(false);
    const [back] = readRecords<Rec>(file, exact);
    expect(back.values).toHaveLength(values.length);
    expect(back.values.map((v, i) => Object.is(v, values[i]))).toEqual(values.map(() => true));
    // An object that merely has a `$number` key among others stays an object.
    const odd = { id: 'b', values: [], extra: { $number: 'NaN', other: 1 } };
    openRecordLog<Rec>(file, exact).record(odd);
    expect(readRecords<Rec>(file, exact)[1]).toEqual(odd);
    // Plain JSON, as sweeps write it: null and 0.
    const plain = join(mkdtempSync(join(tmpdir(), 'mtrl-log-')), 'log.jsonl');
    openRecordLog<Rec>(plain).record({ id: 'a', values });
    expect(readRecords<Rec>(plain)[0].values).toEqual([null, null, null, 0, 0, 1.5e-300]);
  });

  it('ignores a torn last line and starts the next record on its own line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mtrl-log-')), 'log.jsonl');
    openRecordLog<Rec>(file).record({ id: 'a', values: [1] });
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"id":"b","val`);
    const log = openRecordLog<Rec>(file);
    expect([log.size, log.has('a'), log.has('b')]).toEqual([1, true, false]);
    log.record({ id: 'b', values: [2] });
    expect(readRecords<Rec>(file).map((r) => r.id)).toEqual(['a', 'b']);
  });
});
