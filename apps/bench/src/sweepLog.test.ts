import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordLog, quarantineFileOf, readRecords } from './sweepLog.js';

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
    const warnings: string[] = [];
    const log = openRecordLog<Rec>(file, {}, { warn: (m) => warnings.push(m) });
    expect([log.size, log.has('a'), log.has('b')]).toEqual([1, true, false]);
    log.record({ id: 'b', values: [2] });
    expect(readRecords<Rec>(file).map((r) => r.id)).toEqual(['a', 'b']);
    // The torn line was set aside, with a warning naming it, not dropped.
    expect(warnings.join('\n')).toMatch(/set aside 1 bad record\(s\) .* line 2: not valid JSON/);
    const [aside] = readRecords<{ line: number; text: string }>(quarantineFileOf(file));
    expect(aside).toMatchObject({ line: 2, text: '{"id":"b","val' });
  });

  it('sets aside records the check refuses and keeps the others', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mtrl-log-')), 'log.jsonl');
    writeFileSync(file, '{"id":"a","values":[1]}\n{"id":"b","values":"x"}\n{"values":[]}\n');
    const warnings: string[] = [];
    const log = openRecordLog<Rec>(
      file,
      {},
      {
        validate: (r) => (Array.isArray((r as Rec).values) ? [] : ['values: expected an array']),
        warn: (m) => warnings.push(m),
      },
    );
    expect(log.records().map((r) => r.id)).toEqual(['a']);
    expect(warnings[0]).toMatch(/line 2: values: expected an array; line 3: id: expected a string/);
    expect(readFileSync(file, 'utf8')).toBe('{"id":"a","values":[1]}\n');
    expect(readRecords(quarantineFileOf(file))).toHaveLength(2);
  });
});
