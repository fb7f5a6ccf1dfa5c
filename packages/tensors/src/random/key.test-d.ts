import { expectTypeOf } from 'vitest';
import { type Key, key, split, splitNamed } from '../index.js';

const k = key(0);
expectTypeOf(split(k)).toEqualTypeOf<readonly [Key, Key]>();
expectTypeOf(split(k, 3)).toEqualTypeOf<readonly [Key, Key, Key]>();
expectTypeOf(split(k, 1)).toEqualTypeOf<readonly [Key]>();
const n: number = 4;
expectTypeOf(split(k, n)).toEqualTypeOf<readonly Key[]>();
// Destructuring gives Keys, not `Key | undefined`, under noUncheckedIndexedAccess.
const [a, b, c] = split(k, 3);
expectTypeOf(a).toEqualTypeOf<Key>();
expectTypeOf(b).toEqualTypeOf<Key>();
expectTypeOf(c).toEqualTypeOf<Key>();
const named = splitNamed(k, ['init', 'heads', 'data'] as const);
expectTypeOf(named).toEqualTypeOf<Readonly<Record<'init' | 'heads' | 'data', Key>>>();
expectTypeOf(splitNamed(k, ['x', 'y']).x).toEqualTypeOf<Key>();
