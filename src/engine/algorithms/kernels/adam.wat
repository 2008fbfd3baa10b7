;; One Adam step over every parameter at once, for tfjs's wasm backend (issue #20): ../optim.ts's
;; Adam.step runs its chain as ~15 element-wise kernels over the flat 250k-float vectors (a scale,
;; the two moments, the bias corrections, the square root, the step), each a pass over 1 MB, each
;; with tfjs's per-kernel cost. Here it is one pass, per element:
;;
;;   g  = raw·scale                      (only with a clip factor: hasScale)
;;   m' = m·b1 + g·(1 − b1)
;;   v' = v·b2 + (g·g)·(1 − b2)
;;   w' = w − ((m' / c1) / (sqrt(v' / c2) + eps))·lr
;;
;; every product, sum, quotient and square root rounded to float32 in the chain's order (wasm has
;; no fused multiply-add; sqrt and division are correctly rounded, as tfjs's kernels' are), the
;; scalars rounded to float32 by the caller as tfjs rounds the chain's scalar operands: the same
;; bits (../wasmAdam.test.ts). Four lanes at a time, then the tail one lane at a time (`$step`,
;; the same operations as the main loop's). Like the
;; other kernels it IMPORTS the backend's memory and reads and writes tensors in place (byte
;; addresses); the outputs must not alias the inputs.
(module
  (memory (import "env" "memory") 1)

  (func $step (param $raw v128) (param $m v128) (param $v v128) (param $w v128) (param $scale v128) (param $hasScale i32)
              (param $b1 v128) (param $ob1 v128) (param $b2 v128) (param $ob2 v128)
              (param $c1 v128) (param $c2 v128) (param $eps v128) (param $lr v128)
              (param $mOut i32) (param $vOut i32) (param $wOut i32) (param $lanes i32)
    (local $g v128) (local $m1 v128) (local $v1 v128) (local $w1 v128)
    (local.set $g (select (f32x4.mul (local.get $raw) (local.get $scale)) (local.get $raw) (local.get $hasScale)))
    (local.set $m1 (f32x4.add (f32x4.mul (local.get $m) (local.get $b1)) (f32x4.mul (local.get $g) (local.get $ob1))))
    (local.set $v1 (f32x4.add (f32x4.mul (local.get $v) (local.get $b2)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $ob2))))
    (local.set $w1 (f32x4.sub (local.get $w)
      (f32x4.mul (f32x4.div (f32x4.div (local.get $m1) (local.get $c1))
                            (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v1) (local.get $c2))) (local.get $eps)))
                 (local.get $lr))))
    (if (i32.eq (local.get $lanes) (i32.const 4))
      (then
        (v128.store align=4 (local.get $mOut) (local.get $m1))
        (v128.store align=4 (local.get $vOut) (local.get $v1))
        (v128.store align=4 (local.get $wOut) (local.get $w1)))
      (else
        (f32.store (local.get $mOut) (f32x4.extract_lane 0 (local.get $m1)))
        (f32.store (local.get $vOut) (f32x4.extract_lane 0 (local.get $v1)))
        (f32.store (local.get $wOut) (f32x4.extract_lane 0 (local.get $w1))))))

  ;; n floats; scale is read only when hasScale is 1. The addresses are bytes.
  (func (export "adam") (param $raw i32) (param $m i32) (param $v i32) (param $w i32)
                        (param $mOut i32) (param $vOut i32) (param $wOut i32) (param $n i32)
                        (param $scale f32) (param $hasScale i32)
                        (param $b1 f32) (param $ob1 f32) (param $b2 f32) (param $ob2 f32)
                        (param $c1 f32) (param $c2 f32) (param $eps f32) (param $lr f32)
    (local $i i32) (local $o i32) (local $n4 i32)
    (local $g v128) (local $m1 v128) (local $v1 v128) (local $sV v128) (local $b1V v128) (local $ob1V v128) (local $b2V v128) (local $ob2V v128)
    (local $c1V v128) (local $c2V v128) (local $epsV v128) (local $lrV v128)
    (local.set $sV (f32x4.splat (local.get $scale)))
    (local.set $b1V (f32x4.splat (local.get $b1))) (local.set $ob1V (f32x4.splat (local.get $ob1)))
    (local.set $b2V (f32x4.splat (local.get $b2))) (local.set $ob2V (f32x4.splat (local.get $ob2)))
    (local.set $c1V (f32x4.splat (local.get $c1))) (local.set $c2V (f32x4.splat (local.get $c2)))
    (local.set $epsV (f32x4.splat (local.get $eps))) (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $done4 (loop $four
      (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      ;; $step inline (V8 in Node 20 does not inline wasm calls; a call per vector costs more than its work)
      (local.set $g (v128.load align=4 (i32.add (local.get $raw) (local.get $o))))
      (if (local.get $hasScale) (then (local.set $g (f32x4.mul (local.get $g) (local.get $sV)))))
      (local.set $m1 (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $o))) (local.get $b1V))
                                (f32x4.mul (local.get $g) (local.get $ob1V))))
      (local.set $v1 (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $o))) (local.get $b2V))
                                (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $ob2V))))
      (v128.store align=4 (i32.add (local.get $mOut) (local.get $o)) (local.get $m1))
      (v128.store align=4 (i32.add (local.get $vOut) (local.get $o)) (local.get $v1))
      (v128.store align=4 (i32.add (local.get $wOut) (local.get $o))
        (f32x4.sub (v128.load align=4 (i32.add (local.get $w) (local.get $o)))
          (f32x4.mul (f32x4.div (f32x4.div (local.get $m1) (local.get $c1V))
                                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v1) (local.get $c2V))) (local.get $epsV)))
                     (local.get $lrV))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $four)))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (call $step
        (f32x4.splat (f32.load (i32.add (local.get $raw) (local.get $o)))) (f32x4.splat (f32.load (i32.add (local.get $m) (local.get $o))))
        (f32x4.splat (f32.load (i32.add (local.get $v) (local.get $o)))) (f32x4.splat (f32.load (i32.add (local.get $w) (local.get $o))))
        (local.get $sV) (local.get $hasScale) (local.get $b1V) (local.get $ob1V) (local.get $b2V) (local.get $ob2V)
        (local.get $c1V) (local.get $c2V) (local.get $epsV) (local.get $lrV)
        (i32.add (local.get $mOut) (local.get $o)) (i32.add (local.get $vOut) (local.get $o)) (i32.add (local.get $wOut) (local.get $o)) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $one))))
)
