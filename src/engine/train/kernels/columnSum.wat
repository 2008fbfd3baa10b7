;; A bias's gradient for tfjs's wasm backend (issue #20): out[j] = Σ_i x[i, j] over the rows of
;; a row-major [rows, cols] matrix, the engine's own SIMD kernel.
;;
;; Why it exists: tfjs-core's Add gradient sums dy over the rows for the bias ([rows, nOut] ->
;; [nOut]), and tfjs-backend-wasm 4.22's Sum reduces only innermost axes: it transposes dy
;; first (a full copy, [1984, 256] on the default model's MLP), then sums each row in a
;; scalar loop. Here one pass reads dy row by row, adding each row into `out` (cols floats,
;; in L1) four columns at a time.
;;
;; Same bits as tfjs's kernel: it sums each output from 0 over the reduced elements in order,
;; one float32 addition at a time, and so does each lane here (x[0, j], x[1, j], ... in order);
;; the lanes are independent columns. Like ./batchMatMul.wat, this IMPORTS the backend's own
;; memory and reads and writes tensors where tfjs keeps them (byte addresses).
(module
  (memory (import "env" "memory") 1)

  (func (export "columnSum") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $j i32) (local $o i32) (local $oEnd i32) (local $o4 i32) (local $xEnd i32)
    (local.set $oEnd (i32.add (local.get $out) (i32.shl (local.get $cols) (i32.const 2))))
    ;; The last address a 4-wide store may start at, plus one: oEnd - 12.
    (local.set $o4 (i32.sub (local.get $oEnd) (i32.const 12)))
    ;; out = +0 everywhere.
    (local.set $o (local.get $out))
    (block $zeroed (loop $zero
      (br_if $zeroed (i32.ge_u (local.get $o) (local.get $oEnd)))
      (f32.store (local.get $o) (f32.const 0))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $zero)))
    (local.set $xEnd (i32.add (local.get $x) (i32.mul (i32.shl (local.get $cols) (i32.const 2)) (local.get $rows))))
    ;; Row by row: out[j..j+3] += x[i, j..j+3], then the last cols mod 4 one at a time.
    (block $doneRows (loop $row
      (br_if $doneRows (i32.ge_u (local.get $x) (local.get $xEnd)))
      (local.set $o (local.get $out))
      (block $done4 (loop $four
        (br_if $done4 (i32.ge_u (local.get $o) (local.get $o4)))
        (v128.store align=4 (local.get $o) (f32x4.add (v128.load align=4 (local.get $o)) (v128.load align=4 (local.get $x))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $four)))
      (block $done1 (loop $one
        (br_if $done1 (i32.ge_u (local.get $o) (local.get $oEnd)))
        (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (f32.load (local.get $x))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $one)))
      (br $row))))
)
