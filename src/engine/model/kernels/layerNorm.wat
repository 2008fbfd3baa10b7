;; LayerNorm's forward for tfjs's wasm backend, without a gradient tape (sampling, the log-prob
;; passes, the image encoder): the engine's own kernel, in place of ../wasmLayerNorm.ts's
;; JavaScript loop (same arithmetic) and, for large inputs, of the nine reference kernels.
;;
;; y = (x − mean)·rsqrt(var + eps)·g + b, row by row over rows of `cols` floats. Same bits as
;; the reference ops (layers.ts's LayerNorm), by construction: tfjs-backend-wasm's Mean sums a
;; row left to right from 0 then divides by its length, so the two sums here are scalar loops
;; in that order (a row's additions depend on each other anyway); its Rsqrt is 1 / sqrt(v),
;; each rounded to float32 (f32.sqrt and f32.div are correctly rounded, as the C++'s are); the
;; element-wise steps (x − mean, then ·scale, ·g, + b) go four lanes at a time, each lane the
;; same float32 operations in the same order. ../wasmLayerNorm.test.ts checks every bit.
;;
;; Like ../../train/kernels/batchMatMul.wat, this IMPORTS the backend's own memory and reads and
;; writes tensors where tfjs keeps them (byte addresses). y holds x − mean between the passes;
;; it must not alias x.
(module
  (memory (import "env" "memory") 1)

  (func (export "layerNorm") (param $x i32) (param $g i32) (param $b i32) (param $y i32)
                             (param $rows i32) (param $cols i32) (param $eps f32)
    (local $r i32) (local $j i32) (local $xr i32) (local $yr i32) (local $rowBytes i32) (local $end4 i32)
    (local $sum f32) (local $mean f32) (local $d f32) (local $scale f32)
    (local $meanV v128) (local $scaleV v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    ;; Byte offset within a row where the 4-wide steps stop: cols rounded down to a multiple of 4.
    (local.set $end4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $doneRows (loop $row
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $rowBytes))))
      ;; mean = (0 + x0 + x1 + ...) / cols
      (local.set $sum (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s1 (loop $sumLoop
        (br_if $s1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $sum (f32.add (local.get $sum) (f32.load (i32.add (local.get $xr) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumLoop)))
      (local.set $mean (f32.div (local.get $sum) (f32.convert_i32_u (local.get $cols))))
      ;; y = x − mean (kept for the last pass), then var's sum of squares in order.
      (local.set $meanV (f32x4.splat (local.get $mean)))
      (local.set $j (i32.const 0))
      (block $c4 (loop $centre4
        (br_if $c4 (i32.ge_u (local.get $j) (local.get $end4)))
        (v128.store align=4 (i32.add (local.get $yr) (local.get $j))
          (f32x4.sub (v128.load align=4 (i32.add (local.get $xr) (local.get $j))) (local.get $meanV)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $centre4)))
      (block $c1 (loop $centre1
        (br_if $c1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $yr) (local.get $j))
          (f32.sub (f32.load (i32.add (local.get $xr) (local.get $j))) (local.get $mean)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $centre1)))
      (local.set $sum (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s2 (loop $squares
        (br_if $s2 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $d (f32.load (i32.add (local.get $yr) (local.get $j))))
        (local.set $sum (f32.add (local.get $sum) (f32.mul (local.get $d) (local.get $d))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $squares)))
      ;; scale = 1 / sqrt(sum / cols + eps)
      (local.set $scale (f32.div (f32.const 1)
        (f32.sqrt (f32.add (f32.div (local.get $sum) (f32.convert_i32_u (local.get $cols))) (local.get $eps)))))
      ;; y = ((x − mean)·scale)·g + b
      (local.set $scaleV (f32x4.splat (local.get $scale)))
      (local.set $j (i32.const 0))
      (block $o4 (loop $out4
        (br_if $o4 (i32.ge_u (local.get $j) (local.get $end4)))
        (v128.store align=4 (i32.add (local.get $yr) (local.get $j))
          (f32x4.add
            (f32x4.mul (f32x4.mul (v128.load align=4 (i32.add (local.get $yr) (local.get $j))) (local.get $scaleV))
                       (v128.load align=4 (i32.add (local.get $g) (local.get $j))))
            (v128.load align=4 (i32.add (local.get $b) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $out4)))
      (block $o1 (loop $out1
        (br_if $o1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $yr) (local.get $j))
          (f32.add
            (f32.mul (f32.mul (f32.load (i32.add (local.get $yr) (local.get $j))) (local.get $scale))
                     (f32.load (i32.add (local.get $g) (local.get $j))))
            (f32.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $out1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))
)
