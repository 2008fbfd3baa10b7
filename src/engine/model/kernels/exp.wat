;; exp over float32 for tfjs's wasm backend, as the engine's own SIMD kernel (issue #20), with
;; the bits of tfjs's own Exp: that kernel calls the C library's expf once per element, through
;; a function pointer (~7 ns an element here); emscripten's libc is musl, whose expf is Arm's
;; optimized-routines algorithm (Szabolcs Nagy, 2017: musl src/math/expf.c and exp2f_data.c).
;; This is that algorithm in double precision, two lanes at a time, operation for operation:
;;
;;   z = x·(32/ln 2);  k = round(z) (by adding and subtracting 1.5·2^52);  r = z − k
;;   s = 2^(k/32) from a 32-entry table (T[k mod 32] + (k << 47), as bits)
;;   y = ((C0·r + C1)·r² + (C2·r + 1))·s,  rounded once to float32
;;
;; and musl's special cases lane by lane: x > 88.72 -> +inf, x < -103.97 -> +0 (which covers
;; -inf), NaN -> x + x. The table lives in the backend's heap (the module owns no memory: it
;; imports tfjs's, like ./gelu.wat): ../wasmExp.ts writes it once per backend and passes its
;; address. src/cli/expCheck.ts (npm run exp-check) compares this with tfjs's Exp on all 2^32 inputs.
(module
  (memory (import "env" "memory") 1)

  ;; exp of the two float32 lanes of xd (promoted to f64), as f64x2, before the special cases.
  (func $exp2 (param $xd v128) (param $table i32) (result v128)
    (local $z v128) (local $kd v128) (local $ki v128) (local $r v128) (local $t v128)
    (local.set $z (f64x2.mul (local.get $xd) (f64x2.splat (f64.const 0x1.71547652b82fep+5))))  ;; InvLn2N = 32/ln 2
    (local.set $kd (f64x2.add (local.get $z) (f64x2.splat (f64.const 0x1.8p+52))))           ;; + SHIFT
    (local.set $ki (local.get $kd))                                                           ;; its bits: k in the low bits
    (local.set $kd (f64x2.sub (local.get $kd) (f64x2.splat (f64.const 0x1.8p+52))))
    (local.set $r (f64x2.sub (local.get $z) (local.get $kd)))
    ;; t = T[ki % 32] + (ki << 47), lane by lane from the table
    (local.set $t (i64x2.splat (i64.load (i32.add (local.get $table)
      (i32.shl (i32.and (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $ki))) (i32.const 31)) (i32.const 3))))))
    (local.set $t (i64x2.replace_lane 1 (local.get $t) (i64.load (i32.add (local.get $table)
      (i32.shl (i32.and (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $ki))) (i32.const 31)) (i32.const 3))))))
    (local.set $t (i64x2.add (local.get $t) (i64x2.shl (local.get $ki) (i32.const 47))))
    ;; y = (C0·r + C1)·r² + (C2·r + 1), times s (C = poly_scaled: P0/32³, P1/32², P2/32)
    (f64x2.mul
      (f64x2.add
        (f64x2.mul (f64x2.add (f64x2.mul (f64x2.splat (f64.const 0x1.c6af84b912394p-20)) (local.get $r))
                              (f64x2.splat (f64.const 0x1.ebfce50fac4f3p-13)))
                   (f64x2.mul (local.get $r) (local.get $r)))
        (f64x2.add (f64x2.mul (f64x2.splat (f64.const 0x1.62e42ff0c52d6p-6)) (local.get $r)) (f64x2.splat (f64.const 1))))
      (local.get $t)))

  ;; exp of four float32 lanes: the two halves in double, rounded to float32, then the special cases.
  (func $exp4 (param $x v128) (param $table i32) (result v128)
    (local $y v128)
    (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (call $exp2 (f64x2.promote_low_f32x4 (local.get $x)) (local.get $table)))
      (f32x4.demote_f64x2_zero (call $exp2 (f64x2.promote_low_f32x4
        (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))) (local.get $table)))))
    (local.set $y (v128.bitselect (f32x4.splat (f32.const inf)) (local.get $y)
                                  (f32x4.gt (local.get $x) (f32x4.splat (f32.const 0x1.62e42ep+6)))))
    (local.set $y (v128.bitselect (f32x4.splat (f32.const 0)) (local.get $y)
                                  (f32x4.lt (local.get $x) (f32x4.splat (f32.const -0x1.9fe368p+6)))))
    (v128.bitselect (f32x4.add (local.get $x) (local.get $x)) (local.get $y)
                    (f32x4.ne (local.get $x) (local.get $x))))

  ;; out = exp(x) over n floats: four at a time, then the last n mod 4 one at a time (lane 0 of
  ;; a splat: lanes compute independently, so the bits are the same).
  (func (export "exp") (param $x i32) (param $out i32) (param $n i32) (param $table i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done4 (loop $four
      (br_if $done4 (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $end)))
      (v128.store align=4 (local.get $out) (call $exp4 (v128.load align=4 (local.get $x)) (local.get $table)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $four)))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (f32.store (local.get $out) (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.load (local.get $x))) (local.get $table))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $one))))
)
