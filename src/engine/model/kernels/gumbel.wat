;; Sampling's Gumbel noise for tfjs's wasm backend (issue #20): ../sampling.ts's `gumbelNoise`,
;; -log(-log(u)) with u uniform from the engine's Rng, as the engine's own SIMD kernel writing
;; straight into a tensor in the backend's memory. In JavaScript it cost ~33 ns a float (two
;; Math.log calls, the generator, a typed-array store): ~145 µs for a decoding step's 64 x 68,
;; 2-3 ms an iteration, then an upload.
;;
;; Same bits as the JavaScript, by construction:
;;   - the generator is ../../random.ts's mulberry32: the i-th draw's state is the seed's state
;;     plus (i + 1)·0x6d2b79f5 (mod 2^32), so four draws are four independent lanes; its mixing is
;;     32-bit integer arithmetic (Math.imul is i32x4.mul's low half);
;;   - u = (r + 0.5)·2^-32 in double precision, exact, as (r/2^32·2^32 + 0.5)/2^32 is in JS;
;;   - log is V8's Math.log, fdlibm's __ieee754_log (v8/src/base/ieee754.cc), transcribed two
;;     lanes at a time for positive normal inputs (u is at least 2^-33 and below 1, and −log u
;;     lies in [2^-33, 23]): every branch computed and the lane's own chosen by a mask, each
;;     double operation in the C's order (no fused multiply-add, as V8's x64 build has none). Where
;;     k = 0 the C takes shorter formulas; the general ones with dk = 0 give the same doubles
;;     (0·c = +0, adding +0 changes nothing, and 0 − y = −y exactly when y is not zero);
;;   - the double result rounds to float32 as a Float32Array store does (f32.demote).
;; `npm run exp-check -- --kernel gumbel` compares it with the JavaScript on all 2^32 draws;
;; ../wasmGumbel.test.ts checks samples.
;;
;; Like ./exp.wat, this IMPORTS the backend's own memory (two builds: src/cli/kernels.ts).
(module
  (memory (import "env" "memory") 1)

  ;; log(x) for two positive normal doubles (fdlibm's __ieee754_log; names as in the C).
  (func $log (param $x v128) (result v128)
    (local $k v128) (local $m v128) (local $iv v128) (local $xn v128) (local $f v128) (local $dk v128)
    (local $s v128) (local $z v128) (local $w v128) (local $t1 v128) (local $t2 v128) (local $R v128) (local $hfsq v128)
    (local $main v128) (local $small v128) (local $zero v128) (local $isSmall v128) (local $useA v128) (local $lnHi v128) (local $lnLo v128)
    ;; As i32 lanes the doubles are [lo0 hi0 lo1 hi1]: the C's hx is the odd lanes.
    (local.set $k (i32x4.sub (i32x4.shr_s (local.get $x) (i32.const 20)) (i32x4.splat (i32.const 1023))))
    (local.set $m (v128.and (local.get $x) (i32x4.splat (i32.const 0x000fffff))))
    (local.set $iv (v128.and (i32x4.add (local.get $m) (i32x4.splat (i32.const 0x95f64))) (i32x4.splat (i32.const 0x100000))))
    ;; normalise x or x/2: the high word becomes m | (i ^ 0x3ff00000), the low word stays
    (local.set $xn (v128.bitselect (v128.or (local.get $m) (v128.xor (local.get $iv) (i32x4.splat (i32.const 0x3ff00000))))
                                   (local.get $x) (v128.const i32x4 0 -1 0 -1)))
    (local.set $k (i32x4.add (local.get $k) (i32x4.shr_s (local.get $iv) (i32.const 20))))
    (local.set $dk (f64x2.convert_low_i32x4_s (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (local.get $k) (local.get $k))))
    (local.set $f (f64x2.sub (local.get $xn) (f64x2.splat (f64.const 1))))
    (local.set $lnHi (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.62e42feep-1))))   ;; dk·ln2_hi
    (local.set $lnLo (f64x2.mul (local.get $dk) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33)))) ;; dk·ln2_lo
    ;; -2^-20 <= f < 2^-20: (0x000fffff & (2 + hx)) < 3, as 64-bit lane masks
    (local.set $isSmall (i32x4.lt_u (v128.and (i32x4.add (local.get $m) (i32x4.splat (i32.const 2))) (i32x4.splat (i32.const 0x000fffff)))
                                    (i32x4.splat (i32.const 3))))
    (local.set $isSmall (i8x16.shuffle 4 5 6 7 4 5 6 7 12 13 14 15 12 13 14 15 (local.get $isSmall) (local.get $isSmall)))
    ;; f = 0: dk·ln2_hi + dk·ln2_lo
    (local.set $zero (f64x2.add (local.get $lnHi) (local.get $lnLo)))
    ;; small f: R = f·f·(0.5 − 0.33333333333333333·f); dk·ln2_hi − ((R − dk·ln2_lo) − f)
    (local.set $small (f64x2.sub (local.get $lnHi)
      (f64x2.sub (f64x2.sub
        (f64x2.mul (f64x2.mul (local.get $f) (local.get $f))
                   (f64x2.sub (f64x2.splat (f64.const 0.5)) (f64x2.mul (f64x2.splat (f64.const 0x1.5555555555555p-2)) (local.get $f))))
        (local.get $lnLo)) (local.get $f))))
    ;; the main path
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (f64x2.splat (f64.const 2)) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $t1 (f64x2.mul (local.get $w)
      (f64x2.add (f64x2.splat (f64.const 0x1.999999997fa04p-2))                  ;; Lg2
        (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 0x1.c71c51d8e78afp-3)) ;; Lg4
          (f64x2.mul (local.get $w) (f64x2.splat (f64.const 0x1.39a09d078c69fp-3))))))))  ;; Lg6
    (local.set $t2 (f64x2.mul (local.get $z)
      (f64x2.add (f64x2.splat (f64.const 0x1.5555555555593p-1))                  ;; Lg1
        (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 0x1.2492494229359p-2)) ;; Lg3
          (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 0x1.7466496cb03dep-3)) ;; Lg5
            (f64x2.mul (local.get $w) (f64x2.splat (f64.const 0x1.2f112df3e5244p-3))))))))))  ;; Lg7
    (local.set $R (f64x2.add (local.get $t2) (local.get $t1)))
    ;; i = (hx − 0x6147a) | (0x6b851 − hx) > 0 picks the hfsq form
    (local.set $useA (i32x4.gt_s (v128.or (i32x4.sub (local.get $m) (i32x4.splat (i32.const 0x6147a)))
                                          (i32x4.sub (i32x4.splat (i32.const 0x6b851)) (local.get $m)))
                                 (i32x4.splat (i32.const 0))))
    (local.set $useA (i8x16.shuffle 4 5 6 7 4 5 6 7 12 13 14 15 12 13 14 15 (local.get $useA) (local.get $useA)))
    (local.set $hfsq (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $f)) (local.get $f)))
    (local.set $main (v128.bitselect
      ;; dk·ln2_hi − ((hfsq − (s·(hfsq + R) + dk·ln2_lo)) − f)
      (f64x2.sub (local.get $lnHi)
        (f64x2.sub (f64x2.sub (local.get $hfsq)
                              (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $R))) (local.get $lnLo)))
                   (local.get $f)))
      ;; dk·ln2_hi − ((s·(f − R) − dk·ln2_lo) − f)
      (f64x2.sub (local.get $lnHi)
        (f64x2.sub (f64x2.sub (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $R))) (local.get $lnLo))
                   (local.get $f)))
      (local.get $useA)))
    (v128.bitselect
      (v128.bitselect (local.get $zero) (local.get $small) (f64x2.eq (local.get $f) (f64x2.splat (f64.const 0))))
      (local.get $main)
      (local.get $isSmall)))

  ;; -log(-log(u)) for two draws' u, rounded to float32 in lanes 0 and 1.
  (func $gumbel2 (param $r v128) (result v128)
    (f32x4.demote_f64x2_zero (f64x2.neg (call $log (f64x2.neg (call $log
      (f64x2.mul (f64x2.add (f64x2.convert_low_i32x4_u (local.get $r)) (f64x2.splat (f64.const 0.5)))
                 (f64x2.splat (f64.const 0x1p-32)))))))))

  ;; out[i] = gumbel noise of draw i, i < n, from the generator's state before the first draw.
  (func (export "gumbel") (param $state i32) (param $out i32) (param $n i32)
    (local $i i32) (local $t v128) (local $s v128) (local $lo v128) (local $hi v128) (local $v v128) (local $left i32)
    ;; lane j's state: state + (i + j + 1)·0x6d2b79f5
    (local.set $s (i32x4.add (i32x4.splat (local.get $state))
                             (i32x4.mul (v128.const i32x4 1 2 3 4) (i32x4.splat (i32.const 0x6d2b79f5)))))
    (local.set $i (i32.const 0))
    (block $done (loop $four
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      ;; mulberry32's mixing, four draws at once
      (local.set $t (local.get $s))
      (local.set $t (i32x4.mul (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 15)))
                               (v128.or (local.get $t) (i32x4.splat (i32.const 1)))))
      (local.set $t (v128.xor (local.get $t)
        (i32x4.add (local.get $t) (i32x4.mul (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7)))
                                             (v128.or (local.get $t) (i32x4.splat (i32.const 61)))))))
      (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $lo (call $gumbel2 (local.get $t)))
      (local.set $hi (call $gumbel2 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))))
      (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $hi)))
      (local.set $left (i32.sub (local.get $n) (local.get $i)))
      (if (i32.ge_u (local.get $left) (i32.const 4))
        (then (v128.store align=4 (local.get $out) (local.get $v)))
        (else
          (f32.store (local.get $out) (f32x4.extract_lane 0 (local.get $v)))
          (if (i32.gt_u (local.get $left) (i32.const 1)) (then (f32.store offset=4 (local.get $out) (f32x4.extract_lane 1 (local.get $v)))))
          (if (i32.gt_u (local.get $left) (i32.const 2)) (then (f32.store offset=8 (local.get $out) (f32x4.extract_lane 2 (local.get $v)))))))
      (local.set $s (i32x4.add (local.get $s) (i32x4.splat (i32.const 0xb4ade7d4)))) ;; four draws on: 4·0x6d2b79f5 mod 2^32
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $four))))
)
