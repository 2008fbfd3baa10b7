;; Softmax's gradient over the last axis for tfjs's wasm backend, as one pass of the engine's own
;; kernel (issue #20): tfjs-core 4.22's Softmax gradient is
;;   p = dy·y;  dx = p − sum(p, last axis, keepDims)·y
;; four kernels (Multiply, Sum, Multiply, Sub), each a pass over [B, H, S, S_kv] floats: the
;; attention probabilities of a teacher-forced pass, 373k floats per layer on the default model.
;;
;; Same bits as those kernels: each product rounds to float32 (wasm has no fused multiply-add),
;; the row's sum runs left to right from +0 in float32, as tfjs-backend-wasm's Sum does, and
;; s·y and the difference round as its Multiply and Sub do. The sum is a scalar chain per row (its
;; order is the bits); the rest goes four lanes at a time, then one at a time for the last
;; cols mod 4. ../wasmSoftmax.test.ts checks every bit.
;;
;; Like ./layerNorm.wat, this IMPORTS the backend's own memory (two builds: src/cli/kernels.ts)
;; and reads and writes tensors where tfjs keeps them (byte addresses).
(module
  (memory (import "env" "memory") 1)

  ;; out[r, j] = dy[r, j]·y[r, j] − (Σ_k dy[r, k]·y[r, k])·y[r, j], for rows r < rows, j < cols.
  (func (export "softmaxGrad") (param $y i32) (param $dy i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $j i32) (local $rowBytes i32) (local $cols4 i32)
    (local $s f32) (local $sv v128) (local $yv v128) (local $ys f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $r (i32.const 0))
    (block $doneRows (loop $row
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      ;; s = Σ dy·y, left to right from +0.
      (local.set $s (f32.const 0))
      (local.set $j (i32.const 0))
      (block $doneSum (loop $sum
        (br_if $doneSum (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul (f32.load (i32.add (local.get $dy) (local.get $j))) (f32.load (i32.add (local.get $y) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sum)))
      ;; dx = dy·y − s·y, four at a time ...
      (local.set $sv (f32x4.splat (local.get $s)))
      (local.set $j (i32.const 0))
      (block $done4 (loop $four
        (br_if $done4 (i32.ge_u (local.get $j) (i32.shl (local.get $cols4) (i32.const 2))))
        (local.set $yv (v128.load align=4 (i32.add (local.get $y) (local.get $j))))
        (v128.store align=4 (i32.add (local.get $out) (local.get $j))
          (f32x4.sub (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $j))) (local.get $yv))
                     (f32x4.mul (local.get $sv) (local.get $yv))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $four)))
      ;; ... and the last cols mod 4 one at a time.
      (block $done1 (loop $one
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $ys (f32.load (i32.add (local.get $y) (local.get $j))))
        (f32.store (i32.add (local.get $out) (local.get $j))
          (f32.sub (f32.mul (f32.load (i32.add (local.get $dy) (local.get $j))) (local.get $ys))
                   (f32.mul (local.get $s) (local.get $ys))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $one)))
      (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
      (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $row))))
)
