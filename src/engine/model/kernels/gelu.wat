;; GELU's element-wise chains for tfjs's wasm backend, as the engine's own SIMD kernels (issue
;; #20): layers.ts's `gelu` is x·sigmoid(2u) with 2u = x·(x²·cubic + linear). On wasm it runs as
;; geluTwoU, tfjs's Sigmoid, tfjs's Multiply (3 kernels, not 6), and its gradient as geluGrad
;; (1 kernel where tfjs's autodiff launched 15 over [64, 31, 256] floats per MLP: squares,
;; products, a subtraction, casts and the sums of a variable used three times).
;;
;; Same bits as the reference ops, by construction: each float32 operation the reference
;; kernels do is done here in the same order (wasm has no fused multiply-add: each product and
;; each sum rounds to float32, as XNNPACK's kernels do), four lanes at a time, then one at a
;; time for the last n mod 4. Sigmoid is not here: tfjs's (XNNPACK's) computes it, so no
;; exp approximation of ours enters. ../wasmGelu.test.ts checks every bit.
;;
;; Like ../../train/kernels/batchMatMul.wat, this IMPORTS the backend's own memory (two builds:
;; src/cli/kernels.ts) and reads and writes tensors where tfjs keeps them (byte addresses).
(module
  (memory (import "env" "memory") 1)

  ;; out = x·((x·x)·cubic + linear): square, mul, add, mul, as layers.ts's `gelu` writes them.
  (func (export "geluTwoU") (param $x i32) (param $out i32) (param $n i32) (param $cubic f32) (param $linear f32)
    (local $end i32) (local $v v128) (local $c v128) (local $l v128) (local $s f32)
    (local.set $c (f32x4.splat (local.get $cubic)))
    (local.set $l (f32x4.splat (local.get $linear)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done4 (loop $four
      (br_if $done4 (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load align=4 (local.get $x)))
      (v128.store align=4 (local.get $out)
        (f32x4.mul (local.get $v)
          (f32x4.add (f32x4.mul (f32x4.mul (local.get $v) (local.get $v)) (local.get $c)) (local.get $l))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $four)))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $s (f32.load (local.get $x)))
      (f32.store (local.get $out)
        (f32.mul (local.get $s)
          (f32.add (f32.mul (f32.mul (local.get $s) (local.get $s)) (local.get $cubic)) (local.get $linear))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $one))))

  ;; out = d gelu(x) / dx · g, given x, s = sigmoid(2u) and the upstream gradient g, in the order
  ;; tfjs's autodiff computes it (tfjs-core 4.22's gradients, the tape walked backwards):
  ;;   y = x·s          dx1 = g·s,  ds = g·x                        (Multiply_grad)
  ;;   s = sigmoid(t)   dt = ds·(s·(1 − s))                         (Sigmoid_grad)
  ;;   t = x·a1         dx2 = dt·a1, da1 = dt·x,  a1 = (x·x)·cubic + linear
  ;;   a1 = m1 + linear, m1 = sq·cubic: dsq = da1·cubic             (Add_grad, Multiply_grad)
  ;;   sq = x²          dx3 = dsq·(x·2)                             (Square_grad)
  ;;   x's three uses, summed as the tape meets them: (dx1 + dx2) + dx3.
  (func (export "geluGrad") (param $x i32) (param $sig i32) (param $g i32) (param $out i32) (param $n i32)
                            (param $cubic f32) (param $linear f32)
    (local $end i32) (local $c v128) (local $l v128) (local $one v128) (local $two v128)
    (local $v v128) (local $s v128) (local $d v128) (local $dt v128)
    (local $xs f32) (local $ss f32) (local $ds f32) (local $dts f32)
    (local.set $c (f32x4.splat (local.get $cubic)))
    (local.set $l (f32x4.splat (local.get $linear)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $two (f32x4.splat (f32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done4 (loop $four
      (br_if $done4 (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load align=4 (local.get $x)))
      (local.set $s (v128.load align=4 (local.get $sig)))
      (local.set $d (v128.load align=4 (local.get $g)))
      ;; dt = (g·x)·(s·(1 − s))
      (local.set $dt (f32x4.mul (f32x4.mul (local.get $d) (local.get $v))
                                (f32x4.mul (local.get $s) (f32x4.sub (local.get $one) (local.get $s)))))
      (v128.store align=4 (local.get $out)
        (f32x4.add
          (f32x4.add
            (f32x4.mul (local.get $d) (local.get $s))                                        ;; dx1
            (f32x4.mul (local.get $dt)                                                       ;; dx2 = dt·a1
              (f32x4.add (f32x4.mul (f32x4.mul (local.get $v) (local.get $v)) (local.get $c)) (local.get $l))))
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dt) (local.get $v)) (local.get $c))    ;; dx3 = ((dt·x)·cubic)·(x·2)
                     (f32x4.mul (local.get $v) (local.get $two)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $sig (i32.add (local.get $sig) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $four)))
    (block $done (loop $one1
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $xs (f32.load (local.get $x)))
      (local.set $ss (f32.load (local.get $sig)))
      (local.set $ds (f32.load (local.get $g)))
      (local.set $dts (f32.mul (f32.mul (local.get $ds) (local.get $xs))
                               (f32.mul (local.get $ss) (f32.sub (f32.const 1) (local.get $ss)))))
      (f32.store (local.get $out)
        (f32.add
          (f32.add
            (f32.mul (local.get $ds) (local.get $ss))
            (f32.mul (local.get $dts)
              (f32.add (f32.mul (f32.mul (local.get $xs) (local.get $xs)) (local.get $cubic)) (local.get $linear))))
          (f32.mul (f32.mul (f32.mul (local.get $dts) (local.get $xs)) (local.get $cubic))
                   (f32.mul (local.get $xs) (f32.const 2)))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $sig (i32.add (local.get $sig) (i32.const 4)))
      (local.set $g (i32.add (local.get $g) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $one1))))
)
