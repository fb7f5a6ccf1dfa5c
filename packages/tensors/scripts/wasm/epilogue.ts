// WAT of the GEMM epilogue of the `wasm` backend: C[i, j] += bias[j], then, where
// C[i, j] <= 0 (NaN kept), C[i, j] = 0 (act 1, the slope-0 map) or slope * C[i, j] + 0 (act 2,
// the leaky map), in place on C while it is still in kernel memory, so a layer's
// `max(X W^T + 1 b^T, 0)` costs one SIMD pass instead of two TypeScript passes after the copy
// back. The order of operations is that of `applyEpilogue` (src/_kernels/epilogue.ts), so both
// backends give the same bits. Part of the kernel module (kernels.ts assembles it in).

type T = 'f32' | 'f64';

/**
 * `epilogue_<t>(c, m, n, sc0, sc1, pb, hasBias, act, slope)`: C at byte address c with element
 * strides sc0, sc1; the bias contiguous at byte address pb (read when hasBias != 0); act 0
 * leaves the sums, 1 zeroes entries <= 0, 2 multiplies them by slope (then adds +0).
 * Unit-stride rows take a SIMD loop with a scalar tail, other strides a scalar loop.
 */
export function epilogueWat(t: T): string {
  const es = t === 'f32' ? 4 : 8;
  const sh = t === 'f32' ? 2 : 3;
  const lanes = 16 / es;
  const v = t === 'f32' ? 'f32x4' : 'f64x2';
  return `
  (func (export "epilogue_${t}") (param $c i32) (param $m i32) (param $n i32) (param $sc0 i32)
    (param $sc1 i32) (param $pb i32) (param $hasBias i32) (param $act i32) (param $slope ${t})
    (local $i i32) (local $j i32) (local $row i32) (local $q i32) (local $nv i32)
    (local $x v128) (local $s ${t}) (local $sv v128)
    (local.set $sv (${v}.splat (local.get $slope)))
    ;; the columns the SIMD loop covers (unit stride only)
    (local.set $nv (select
      (i32.and (local.get $n) (i32.const ${-lanes}))
      (i32.const 0)
      (i32.eq (local.get $sc1) (i32.const 1))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $row (i32.add (local.get $c)
          (i32.shl (i32.mul (local.get $i) (local.get $sc0)) (i32.const ${sh}))))
        (local.set $j (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_s (local.get $j) (local.get $nv)))
            (local.set $q (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const ${sh}))))
            (local.set $x (v128.load (local.get $q)))
            (if (local.get $hasBias)
              (then (local.set $x (${v}.add (local.get $x)
                (v128.load (i32.add (local.get $pb) (i32.shl (local.get $j) (i32.const ${sh}))))))))
            (if (i32.eq (local.get $act) (i32.const 1))
              (then (local.set $x (v128.andnot (local.get $x)
                (${v}.le (local.get $x) (v128.const ${v} ${Array(lanes).fill('0').join(' ')}))))))
            (if (i32.eq (local.get $act) (i32.const 2))
              (then (local.set $x (v128.bitselect
                (${v}.add (${v}.mul (local.get $x) (local.get $sv))
                  (v128.const ${v} ${Array(lanes).fill('0').join(' ')}))
                (local.get $x)
                (${v}.le (local.get $x) (v128.const ${v} ${Array(lanes).fill('0').join(' ')}))))))
            (v128.store (local.get $q) (local.get $x))
            (local.set $j (i32.add (local.get $j) (i32.const ${lanes})))
            (br $vec)))
        (block $scalarDone
          (loop $scalar
            (br_if $scalarDone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $q (i32.add (local.get $row)
              (i32.shl (i32.mul (local.get $j) (local.get $sc1)) (i32.const ${sh}))))
            (local.set $s (${t}.load (local.get $q)))
            (if (local.get $hasBias)
              (then (local.set $s (${t}.add (local.get $s)
                (${t}.load (i32.add (local.get $pb) (i32.shl (local.get $j) (i32.const ${sh}))))))))
            (if (i32.eq (local.get $act) (i32.const 1))
              (then (if (${t}.le (local.get $s) (${t}.const 0))
                (then (local.set $s (${t}.const 0))))))
            (if (i32.eq (local.get $act) (i32.const 2))
              (then (if (${t}.le (local.get $s) (${t}.const 0))
                (then (local.set $s (${t}.add (${t}.mul (local.get $s) (local.get $slope))
                  (${t}.const 0)))))))
            (${t}.store (local.get $q) (local.get $s))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $scalar)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))`;
}
