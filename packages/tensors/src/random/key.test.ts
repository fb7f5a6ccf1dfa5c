import { describe, expect, it } from 'vitest';
import { assertKey, foldIn, type Key, key, normal, split, splitNamed, stream } from '../index.js';

// The first 256 words of each key's stream, as a set, to check that derived streams share none.
function words(k: Key, n = 256): number[] {
  const s = stream(k);
  return Array.from({ length: n }, () => s.nextUint32());
}

describe('keys', () => {
  it('are pinned: key(42), split and foldIn give these exact words on every platform', () => {
    expect(key(42)).toEqual([2039851857, 2635064144, 2739595464, 3840648110]);
    expect(split(key(42))).toEqual([
      [1101658704, 2949488092, 2717818788, 3658862096],
      [4040101883, 587828711, 2134802389, 1728564522],
    ]);
    expect(foldIn(key(42), 7)).toEqual([611406417, 1951411159, 4132913720, 1452273637]);
  });

  it('are deterministic values that functions never change', () => {
    const k = key(3);
    expect(key(3)).toEqual(k);
    const copy = [...k];
    split(k, 3);
    foldIn(k, 1);
    normal(k, [10]);
    expect(k).toEqual(copy);
    expect(split(k, 3)).toEqual(split(k, 3));
    expect(foldIn(k, 5)).toEqual(foldIn(k, 5));
    expect(split(k, 5).slice(0, 2)).toEqual(split(k, 2)); // split(k, n) is a prefix of split(k, n + 1)
  });

  it('split, foldIn and nearby seeds give streams that share no outputs', () => {
    const k = key(0);
    const family: Key[] = [
      k,
      key(1),
      key(2 ** 32),
      key(2 ** 32 + 1),
      ...split(k, 6),
      ...split(split(k)[0], 2),
      ...Array.from({ length: 6 }, (_, i) => foldIn(k, i)),
      foldIn(k, 2 ** 32),
      foldIn(foldIn(k, 1), 0),
    ];
    const seen = new Map<number, number>();
    family.forEach((kk, f) => {
      for (const w of words(kk)) {
        const prev = seen.get(w);
        // Each stream has 256 words of 2^32; a collision by chance has probability ~1e-4.
        if (prev !== undefined && prev !== f)
          expect.fail(`keys ${prev} and ${f} share the output ${w}`);
        seen.set(w, f);
      }
    });
    expect(new Set(family.map((kk) => kk.join())).size).toBe(family.length);
  });

  it('derived streams are uncorrelated (sample correlation within 4 standard errors of 0)', () => {
    const n = 20000;
    const [a, b] = split(key(8));
    for (const [k1, k2] of [
      [a, b],
      [foldIn(a, 0), foldIn(a, 1)],
      [key(10), key(11)],
    ]) {
      const x = normal(k1, [n]).data;
      const y = normal(k2, [n]).data;
      let sxy = 0;
      for (let i = 0; i < n; i++) sxy += x[i] * y[i];
      expect(Math.abs(sxy / n)).toBeLessThan(4 / Math.sqrt(n));
    }
  });

  it('refuses bad seeds, counts, data and keys, naming the op', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
      expect(() => key(bad)).toThrow(`key: seed must be an integer in [0, 2^53 - 1], got ${bad}`);
      expect(() => foldIn(key(0), bad)).toThrow('foldIn: data must be a non-negative safe integer');
    }
    expect(key(2 ** 53 - 1)).toHaveLength(4);
    expect(() => split(key(0), -1)).toThrow('split: n must be a non-negative integer, got -1');
    expect(() => split(key(0), 2.5)).toThrow(RangeError);
    expect(split(key(0), 0)).toEqual([]);
    for (const bad of [[1, 2, 3], [1, 2, 3, -4], [1, 2, 3, 2 ** 32], [1, 2, 3, 0.5], 'key', null]) {
      expect(() => split(bad as unknown as Key)).toThrow('split: key must be a Key');
      expect(() => normal(bad as unknown as Key, [2])).toThrow('normal: key must be a Key');
      expect(() => assertKey('op', bad)).toThrow(TypeError);
    }
  });

  it('refuses a seed that is not a number with a TypeError', () => {
    expect(() => key('42' as unknown as number)).toThrow(
      new TypeError('key: seed must be an integer in [0, 2^53 - 1], got "42"'),
    );
  });

  it('splitNamed gives split(k, n) in order, by name', () => {
    const k = key(9);
    const names = ['init', 'heads', 'data'] as const;
    const named = splitNamed(k, names);
    const keys = split(k, 3);
    names.forEach((name, i) => {
      expect(named[name]).toEqual(keys[i]);
    });
    expect(Object.keys(named)).toEqual([...names]);
    expect(Object.isFrozen(named)).toBe(true);
    expect(splitNamed(k, [])).toEqual({});
    expect(() => splitNamed(k, ['a', 'a'])).toThrow(RangeError);
    expect(() => splitNamed(k, ['a', 3 as unknown as string])).toThrow(TypeError);
    expect(() => splitNamed(k, 'ab' as unknown as string[])).toThrow(TypeError);
  });
});
