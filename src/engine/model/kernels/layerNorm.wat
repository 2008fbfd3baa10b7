;; LayerNorm's forward for tfjs's wasm backend, without a gradient tape (sampling, the log-prob
;; passes, the image encoder): the engine's own kernel, in place of ../wasmLayerNorm.ts's
;; JavaScript loop (same arithmetic) and, for large inputs, of the nine reference kernels.
;;
;; y = (x − mean)·rsqrt(var + eps)·g + b over rows of `cols` floats. Same bits as the reference
;; ops (layers.ts's LayerNorm), by construction: tfjs-backend-wasm's Mean sums a row left to
;; right from 0 then divides by its length, so the two sums here are scalar chains in that order
;; (a row's additions depend on each other), four rows' chains interleaved so that the adder
;; has independent work while each addition waits on the one before; its Rsqrt is 1 / sqrt(v),
;; each rounded to float32 (f32.sqrt and f32.div are correctly rounded, as the C++'s are); the
;; element-wise steps (x − mean, then ·scale, ·g, + b) go four lanes at a time, each lane the
;; same float32 operations in the same order. ../wasmLayerNorm.test.ts checks every bit.
;;
;; Like ../../train/kernels/batchMatMul.wat, this IMPORTS the backend's own memory and reads and
;; writes tensors where tfjs keeps them (byte addresses).
;;
;; Under a gradient tape (the update's forward) the same forward runs, and its gradient is the
;; two functions at the end (`layerNormVarEps`, then tfjs's Pow, then `layerNormGrad`): every
;; product, quotient and sum of tfjs-core's gradients of the nine reference ops, in their order.
(module
  (memory (import "env" "memory") 1)

  ;; Rows go in groups of four: each row's two sums are sequential chains (their order is the
  ;; bits), and four rows' chains interleaved keep the adder busy where one row's chain waits on
  ;; each addition in turn. A group past the last row repeats the last row's sums (computed,
  ;; never written).
  (func (export "layerNorm") (param $x i32) (param $g i32) (param $b i32) (param $y i32)
                             (param $rows i32) (param $cols i32) (param $eps f32)
    (local $r i32) (local $t i32) (local $j i32) (local $xr i32) (local $yr i32) (local $rowBytes i32) (local $end4 i32)
    (local $xA i32) (local $xB i32) (local $xC i32) (local $xD i32)
    (local $sA f32) (local $sB f32) (local $sC f32) (local $sD f32)
    (local $mA f32) (local $mB f32) (local $mC f32) (local $mD f32)
    (local $dA f32) (local $dB f32) (local $dC f32) (local $dD f32)
    (local $n f32) (local $mean f32) (local $scale f32)
    (local $meanV v128) (local $scaleV v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $n (f32.convert_i32_u (local.get $cols)))
    ;; Byte offset within a row where the 4-wide steps stop: cols rounded down to a multiple of 4.
    (local.set $end4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $doneRows (loop $group
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $xA (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 0) (local.get $rows)) (local.get $rowBytes))))
      (local.set $xB (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 1) (local.get $rows)) (local.get $rowBytes))))
      (local.set $xC (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 2) (local.get $rows)) (local.get $rowBytes))))
      (local.set $xD (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 3) (local.get $rows)) (local.get $rowBytes))))
      ;; mean = (0 + x0 + x1 + ...) / cols, four rows at once
      (local.set $sA (f32.const 0)) (local.set $sB (f32.const 0)) (local.set $sC (f32.const 0)) (local.set $sD (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s1 (loop $sumLoop
        (br_if $s1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $sA (f32.add (local.get $sA) (f32.load (i32.add (local.get $xA) (local.get $j)))))
        (local.set $sB (f32.add (local.get $sB) (f32.load (i32.add (local.get $xB) (local.get $j)))))
        (local.set $sC (f32.add (local.get $sC) (f32.load (i32.add (local.get $xC) (local.get $j)))))
        (local.set $sD (f32.add (local.get $sD) (f32.load (i32.add (local.get $xD) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumLoop)))
      (local.set $mA (f32.div (local.get $sA) (local.get $n)))
      (local.set $mB (f32.div (local.get $sB) (local.get $n)))
      (local.set $mC (f32.div (local.get $sC) (local.get $n)))
      (local.set $mD (f32.div (local.get $sD) (local.get $n)))
      ;; var's sums of squares of x − mean, in order, four rows at once
      (local.set $sA (f32.const 0)) (local.set $sB (f32.const 0)) (local.set $sC (f32.const 0)) (local.set $sD (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s2 (loop $squares
        (br_if $s2 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $dA (f32.sub (f32.load (i32.add (local.get $xA) (local.get $j))) (local.get $mA)))
        (local.set $dB (f32.sub (f32.load (i32.add (local.get $xB) (local.get $j))) (local.get $mB)))
        (local.set $dC (f32.sub (f32.load (i32.add (local.get $xC) (local.get $j))) (local.get $mC)))
        (local.set $dD (f32.sub (f32.load (i32.add (local.get $xD) (local.get $j))) (local.get $mD)))
        (local.set $sA (f32.add (local.get $sA) (f32.mul (local.get $dA) (local.get $dA))))
        (local.set $sB (f32.add (local.get $sB) (f32.mul (local.get $dB) (local.get $dB))))
        (local.set $sC (f32.add (local.get $sC) (f32.mul (local.get $dC) (local.get $dC))))
        (local.set $sD (f32.add (local.get $sD) (f32.mul (local.get $dD) (local.get $dD))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $squares)))
      ;; Each real row of the group: scale = 1 / sqrt(sum / cols + eps), y = ((x − mean)·scale)·g + b.
      (local.set $t (i32.const 0))
      (block $doneGroup (loop $each
        (br_if $doneGroup (i32.or (i32.ge_u (local.get $t) (i32.const 4))
                                  (i32.ge_u (i32.add (local.get $r) (local.get $t)) (local.get $rows))))
        (local.set $mean (call $pick (local.get $t) (local.get $mA) (local.get $mB) (local.get $mC) (local.get $mD)))
        (local.set $scale (f32.div (f32.const 1)
          (f32.sqrt (f32.add (f32.div (call $pick (local.get $t) (local.get $sA) (local.get $sB) (local.get $sC) (local.get $sD)) (local.get $n))
                             (local.get $eps)))))
        (local.set $xr (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (local.get $t)) (local.get $rowBytes))))
        (local.set $yr (i32.add (local.get $y) (i32.mul (i32.add (local.get $r) (local.get $t)) (local.get $rowBytes))))
        (local.set $meanV (f32x4.splat (local.get $mean)))
        (local.set $scaleV (f32x4.splat (local.get $scale)))
        (local.set $j (i32.const 0))
        (block $o4 (loop $out4
          (br_if $o4 (i32.ge_u (local.get $j) (local.get $end4)))
          (v128.store align=4 (i32.add (local.get $yr) (local.get $j))
            (f32x4.add
              (f32x4.mul (f32x4.mul (f32x4.sub (v128.load align=4 (i32.add (local.get $xr) (local.get $j))) (local.get $meanV))
                                    (local.get $scaleV))
                         (v128.load align=4 (i32.add (local.get $g) (local.get $j))))
              (v128.load align=4 (i32.add (local.get $b) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $out4)))
        (block $o1 (loop $out1
          (br_if $o1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (f32.store (i32.add (local.get $yr) (local.get $j))
            (f32.add
              (f32.mul (f32.mul (f32.sub (f32.load (i32.add (local.get $xr) (local.get $j))) (local.get $mean)) (local.get $scale))
                       (f32.load (i32.add (local.get $g) (local.get $j))))
              (f32.load (i32.add (local.get $b) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $out1)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $each)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $group))))

  ;; Row r + t of a group, or the last row where that is past it (its sums are then computed twice and not used).
  (func $clampRow (param $r i32) (param $t i32) (param $rows i32) (result i32)
    (select (i32.add (local.get $r) (local.get $t)) (i32.sub (local.get $rows) (i32.const 1))
            (i32.lt_u (i32.add (local.get $r) (local.get $t)) (local.get $rows))))

  ;; The group's value for row t: a, b, c or d.
  (func $pick (param $t i32) (param $a f32) (param $b f32) (param $c f32) (param $d f32) (result f32)
    (select (select (local.get $a) (local.get $b) (i32.eqz (local.get $t)))
            (select (local.get $c) (local.get $d) (i32.eq (local.get $t) (i32.const 2)))
            (i32.lt_u (local.get $t) (i32.const 2))))

  ;; Per row, the mean and ve = var + eps (what the reference's Rsqrt saved for its gradient),
  ;; exactly as `layerNorm` computes them; `layerNormGrad` reads both rather than sum each row
  ;; again. ../wasmLayerNorm.ts raises ve to 1.5 with tfjs's own Pow (the C library's powf: not ours
  ;; to copy) in between.
  (func (export "layerNormVarEps") (param $x i32) (param $meanOut i32) (param $ve i32) (param $rows i32) (param $cols i32) (param $eps f32)
    (local $r i32) (local $t i32) (local $j i32) (local $rowBytes i32) (local $n f32)
    (local $xA i32) (local $xB i32) (local $xC i32) (local $xD i32)
    (local $sA f32) (local $sB f32) (local $sC f32) (local $sD f32)
    (local $mA f32) (local $mB f32) (local $mC f32) (local $mD f32)
    (local $dA f32) (local $dB f32) (local $dC f32) (local $dD f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $n (f32.convert_i32_u (local.get $cols)))
    (local.set $r (i32.const 0))
    (block $doneRows (loop $group
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $xA (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 0) (local.get $rows)) (local.get $rowBytes))))
      (local.set $xB (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 1) (local.get $rows)) (local.get $rowBytes))))
      (local.set $xC (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 2) (local.get $rows)) (local.get $rowBytes))))
      (local.set $xD (i32.add (local.get $x) (i32.mul (call $clampRow (local.get $r) (i32.const 3) (local.get $rows)) (local.get $rowBytes))))
      (local.set $sA (f32.const 0)) (local.set $sB (f32.const 0)) (local.set $sC (f32.const 0)) (local.set $sD (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s1 (loop $sumLoop
        (br_if $s1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $sA (f32.add (local.get $sA) (f32.load (i32.add (local.get $xA) (local.get $j)))))
        (local.set $sB (f32.add (local.get $sB) (f32.load (i32.add (local.get $xB) (local.get $j)))))
        (local.set $sC (f32.add (local.get $sC) (f32.load (i32.add (local.get $xC) (local.get $j)))))
        (local.set $sD (f32.add (local.get $sD) (f32.load (i32.add (local.get $xD) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumLoop)))
      (local.set $mA (f32.div (local.get $sA) (local.get $n)))
      (local.set $mB (f32.div (local.get $sB) (local.get $n)))
      (local.set $mC (f32.div (local.get $sC) (local.get $n)))
      (local.set $mD (f32.div (local.get $sD) (local.get $n)))
      (local.set $sA (f32.const 0)) (local.set $sB (f32.const 0)) (local.set $sC (f32.const 0)) (local.set $sD (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s2 (loop $squares
        (br_if $s2 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $dA (f32.sub (f32.load (i32.add (local.get $xA) (local.get $j))) (local.get $mA)))
        (local.set $dB (f32.sub (f32.load (i32.add (local.get $xB) (local.get $j))) (local.get $mB)))
        (local.set $dC (f32.sub (f32.load (i32.add (local.get $xC) (local.get $j))) (local.get $mC)))
        (local.set $dD (f32.sub (f32.load (i32.add (local.get $xD) (local.get $j))) (local.get $mD)))
        (local.set $sA (f32.add (local.get $sA) (f32.mul (local.get $dA) (local.get $dA))))
        (local.set $sB (f32.add (local.get $sB) (f32.mul (local.get $dB) (local.get $dB))))
        (local.set $sC (f32.add (local.get $sC) (f32.mul (local.get $dC) (local.get $dC))))
        (local.set $sD (f32.add (local.get $sD) (f32.mul (local.get $dD) (local.get $dD))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $squares)))
      ;; The group's real rows: mean, and ve = sum / cols + eps.
      (local.set $t (i32.const 0))
      (block $doneGroup (loop $each
        (br_if $doneGroup (i32.or (i32.ge_u (local.get $t) (i32.const 4))
                                  (i32.ge_u (i32.add (local.get $r) (local.get $t)) (local.get $rows))))
        (f32.store (i32.add (local.get $meanOut) (i32.shl (i32.add (local.get $r) (local.get $t)) (i32.const 2)))
          (call $pick (local.get $t) (local.get $mA) (local.get $mB) (local.get $mC) (local.get $mD)))
        (f32.store (i32.add (local.get $ve) (i32.shl (i32.add (local.get $r) (local.get $t)) (i32.const 2)))
          (f32.add (f32.div (call $pick (local.get $t) (local.get $sA) (local.get $sB) (local.get $sC) (local.get $sD)) (local.get $n))
                   (local.get $eps)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $each)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $group))))

  ;; The gradient of y = ((x − m)·rsqrt(ve))·g + b, m = mean(x), ve = mean((x − m)²) + eps, given
  ;; dy, each row's mean and ve (`layerNormVarEps`) and pw = ve^1.5 (tfjs's Pow), as tfjs-core
  ;; 4.22's gradients compute it, the tape
  ;; walked backwards (c = x − m, s = rsqrt(ve), h = c·s, k = 1/cols rounded to float32 by the caller,
  ;; as layers.ts's tf.fill([C], 1 / C) rounds it):
  ;;   y = h·g + b         dh = dy·g;   dg = Σ_rows dy·h;  db = Σ_rows dy     (Mul_grad, Add_grad)
  ;;   h = c·s             dc₁ = dh·s;  ds = Σ_j dh·c                          (Mul_grad: a broadcast b)
  ;;   s = rsqrt(ve)       dve = −(ds / (pw·2))                                (Rsqrt_grad)
  ;;   ve = mean(c²) + eps dq = dve·k;  dc₂ = dq·(c·2)                          (layers.ts's mean gradient, Square_grad)
  ;;   c = x − m           dc = dc₁ + dc₂;  dx₁ = dc;  dm = −(Σ_j dc)            (Sub_grad: neg of the sum)
  ;;   m = mean(x)         dx₂ = dm·k
  ;; Every Σ_j is left to right from 0 (tfjs's Sum); Σ_rows from 0 over the rows in order
  ;; (../../train/kernels/columnSum.wat's order, the patched Sum the reference runs). x's two
  ;; gradients come back apart (dx1, dx2): tfjs adds them to x's other gradients in the order the
  ;; tape meets Sub then Mean, which ../wasmLayerNorm.ts keeps by passing x in twice. dx1 holds c
  ;; and dx2 the products (dy·g)·c until each is overwritten row by row; they must not alias
  ;; anything else.
  (func (export "layerNormGrad") (param $x i32) (param $g i32) (param $dy i32) (param $means i32) (param $ve i32) (param $pw i32)
                                 (param $dx1 i32) (param $dx2 i32) (param $dg i32) (param $db i32)
                                 (param $rows i32) (param $cols i32) (param $k f32)
    (local $r i32) (local $t i32) (local $j i32) (local $row i32) (local $dyr i32) (local $d1 i32) (local $d2 i32)
    (local $rowBytes i32) (local $end4 i32)
    (local $pA i32) (local $pB i32) (local $pC i32) (local $pD i32) (local $xr i32) (local $mean f32)
    (local $cA i32) (local $cB i32) (local $cC i32) (local $cD i32)
    (local $sA f32) (local $sB f32) (local $sC f32) (local $sD f32)
    (local $c f32) (local $s f32) (local $dq f32) (local $dm f32)
    (local $dh f32) (local $sV v128) (local $dqV v128) (local $dhV v128) (local $cV v128) (local $dyV v128) (local $two v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $two (f32x4.splat (f32.const 2)))
    ;; dg = db = +0
    (local.set $j (i32.const 0))
    (block $z (loop $zero
      (br_if $z (i32.ge_u (local.get $j) (local.get $rowBytes)))
      (f32.store (i32.add (local.get $dg) (local.get $j)) (f32.const 0))
      (f32.store (i32.add (local.get $db) (local.get $j)) (f32.const 0))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $zero)))
    (local.set $r (i32.const 0))
    (block $doneRows (loop $group
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $pA (i32.add (local.get $dx2) (i32.mul (call $clampRow (local.get $r) (i32.const 0) (local.get $rows)) (local.get $rowBytes))))
      (local.set $pB (i32.add (local.get $dx2) (i32.mul (call $clampRow (local.get $r) (i32.const 1) (local.get $rows)) (local.get $rowBytes))))
      (local.set $pC (i32.add (local.get $dx2) (i32.mul (call $clampRow (local.get $r) (i32.const 2) (local.get $rows)) (local.get $rowBytes))))
      (local.set $pD (i32.add (local.get $dx2) (i32.mul (call $clampRow (local.get $r) (i32.const 3) (local.get $rows)) (local.get $rowBytes))))
      (local.set $cA (i32.add (local.get $dx1) (i32.mul (call $clampRow (local.get $r) (i32.const 0) (local.get $rows)) (local.get $rowBytes))))
      (local.set $cB (i32.add (local.get $dx1) (i32.mul (call $clampRow (local.get $r) (i32.const 1) (local.get $rows)) (local.get $rowBytes))))
      (local.set $cC (i32.add (local.get $dx1) (i32.mul (call $clampRow (local.get $r) (i32.const 2) (local.get $rows)) (local.get $rowBytes))))
      (local.set $cD (i32.add (local.get $dx1) (i32.mul (call $clampRow (local.get $r) (i32.const 3) (local.get $rows)) (local.get $rowBytes))))
      ;; c = x − m into dx1 and p = (dy·g)·c into dx2 (scratch until dx2's own values), row by
      ;; row four lanes at a time; then ds = Σ_j p, four rows' chains at once. A row past the
      ;; last repeats the last row's (the same values written twice).
      (local.set $t (i32.const 0))
      (block $doneP (loop $eachP
        (br_if $doneP (i32.ge_u (local.get $t) (i32.const 4)))
        (local.set $row (call $clampRow (local.get $r) (local.get $t) (local.get $rows)))
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $rowBytes))))
        (local.set $dyr (i32.add (local.get $dy) (i32.mul (local.get $row) (local.get $rowBytes))))
        (local.set $d1 (i32.add (local.get $dx1) (i32.mul (local.get $row) (local.get $rowBytes))))
        (local.set $d2 (i32.add (local.get $dx2) (i32.mul (local.get $row) (local.get $rowBytes))))
        (local.set $mean (f32.load (i32.add (local.get $means) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $cV (f32x4.splat (local.get $mean)))
        (local.set $j (i32.const 0))
        (block $p4 (loop $prod4
          (br_if $p4 (i32.ge_u (local.get $j) (local.get $end4)))
          (local.set $dhV (f32x4.sub (v128.load align=4 (i32.add (local.get $xr) (local.get $j))) (local.get $cV)))
          (v128.store align=4 (i32.add (local.get $d1) (local.get $j)) (local.get $dhV))
          (v128.store align=4 (i32.add (local.get $d2) (local.get $j))
            (f32x4.mul (f32x4.mul (v128.load align=4 (i32.add (local.get $dyr) (local.get $j))) (v128.load align=4 (i32.add (local.get $g) (local.get $j))))
                       (local.get $dhV)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $prod4)))
        (block $p1 (loop $prod1
          (br_if $p1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (local.set $c (f32.sub (f32.load (i32.add (local.get $xr) (local.get $j))) (local.get $mean)))
          (f32.store (i32.add (local.get $d1) (local.get $j)) (local.get $c))
          (f32.store (i32.add (local.get $d2) (local.get $j))
            (f32.mul (f32.mul (f32.load (i32.add (local.get $dyr) (local.get $j))) (f32.load (i32.add (local.get $g) (local.get $j)))) (local.get $c)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $prod1)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $eachP)))
      (local.set $sA (f32.const 0)) (local.set $sB (f32.const 0)) (local.set $sC (f32.const 0)) (local.set $sD (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s2 (loop $dsSum
        (br_if $s2 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $sA (f32.add (local.get $sA) (f32.load (i32.add (local.get $pA) (local.get $j)))))
        (local.set $sB (f32.add (local.get $sB) (f32.load (i32.add (local.get $pB) (local.get $j)))))
        (local.set $sC (f32.add (local.get $sC) (f32.load (i32.add (local.get $pC) (local.get $j)))))
        (local.set $sD (f32.add (local.get $sD) (f32.load (i32.add (local.get $pD) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $dsSum)))
      ;; Each real row of the group, in order (dg and db sum over the rows in order):
      (local.set $t (i32.const 0))
      (block $doneGroup (loop $each
        (br_if $doneGroup (i32.or (i32.ge_u (local.get $t) (i32.const 4))
                                  (i32.ge_u (i32.add (local.get $r) (local.get $t)) (local.get $rows))))
        (local.set $row (i32.add (local.get $r) (local.get $t)))
        (local.set $dyr (i32.add (local.get $dy) (i32.mul (local.get $row) (local.get $rowBytes))))
        (local.set $d1 (i32.add (local.get $dx1) (i32.mul (local.get $row) (local.get $rowBytes))))
        ;; s = 1 / sqrt(ve): the forward's bits; dq = −(ds / (pw·2))·k
        (local.set $s (f32.div (f32.const 1)
          (f32.sqrt (f32.load (i32.add (local.get $ve) (i32.shl (local.get $row) (i32.const 2)))))))
        (local.set $dq (f32.mul (f32.neg (f32.div (call $pick (local.get $t) (local.get $sA) (local.get $sB) (local.get $sC) (local.get $sD))
          (f32.mul (f32.load (i32.add (local.get $pw) (i32.shl (local.get $row) (i32.const 2)))) (f32.const 2)))) (local.get $k)))
        ;; dc = (dy·g)·s + dq·(c·2) into dx1; dg += dy·(c·s); db += dy (four lanes at a time, then the tail)
        (local.set $sV (f32x4.splat (local.get $s)))
        (local.set $dqV (f32x4.splat (local.get $dq)))
        (local.set $j (i32.const 0))
        (block $e4 (loop $each4
          (br_if $e4 (i32.ge_u (local.get $j) (local.get $end4)))
          (local.set $dyV (v128.load align=4 (i32.add (local.get $dyr) (local.get $j))))
          (local.set $cV (v128.load align=4 (i32.add (local.get $d1) (local.get $j))))
          (local.set $dhV (f32x4.mul (local.get $dyV) (v128.load align=4 (i32.add (local.get $g) (local.get $j)))))
          (v128.store align=4 (i32.add (local.get $d1) (local.get $j))
            (f32x4.add (f32x4.mul (local.get $dhV) (local.get $sV))
                       (f32x4.mul (local.get $dqV) (f32x4.mul (local.get $cV) (local.get $two)))))
          (v128.store align=4 (i32.add (local.get $dg) (local.get $j))
            (f32x4.add (v128.load align=4 (i32.add (local.get $dg) (local.get $j)))
                       (f32x4.mul (local.get $dyV) (f32x4.mul (local.get $cV) (local.get $sV)))))
          (v128.store align=4 (i32.add (local.get $db) (local.get $j))
            (f32x4.add (v128.load align=4 (i32.add (local.get $db) (local.get $j))) (local.get $dyV)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $each4)))
        (block $e1 (loop $each1
          (br_if $e1 (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (local.set $c (f32.load (i32.add (local.get $d1) (local.get $j))))
          (local.set $dh (f32.mul (f32.load (i32.add (local.get $dyr) (local.get $j))) (f32.load (i32.add (local.get $g) (local.get $j)))))
          (f32.store (i32.add (local.get $d1) (local.get $j))
            (f32.add (f32.mul (local.get $dh) (local.get $s)) (f32.mul (local.get $dq) (f32.mul (local.get $c) (f32.const 2)))))
          (f32.store (i32.add (local.get $dg) (local.get $j))
            (f32.add (f32.load (i32.add (local.get $dg) (local.get $j)))
                     (f32.mul (f32.load (i32.add (local.get $dyr) (local.get $j))) (f32.mul (local.get $c) (local.get $s)))))
          (f32.store (i32.add (local.get $db) (local.get $j))
            (f32.add (f32.load (i32.add (local.get $db) (local.get $j))) (f32.load (i32.add (local.get $dyr) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $each1)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $each)))
      ;; dm = −(Σ_j dc), four rows' chains at once (a row past the last re-reads the last row's dc)
      (local.set $sA (f32.const 0)) (local.set $sB (f32.const 0)) (local.set $sC (f32.const 0)) (local.set $sD (f32.const 0))
      (local.set $j (i32.const 0))
      (block $s3 (loop $dcSum
        (br_if $s3 (i32.ge_u (local.get $j) (local.get $rowBytes)))
        (local.set $sA (f32.add (local.get $sA) (f32.load (i32.add (local.get $cA) (local.get $j)))))
        (local.set $sB (f32.add (local.get $sB) (f32.load (i32.add (local.get $cB) (local.get $j)))))
        (local.set $sC (f32.add (local.get $sC) (f32.load (i32.add (local.get $cC) (local.get $j)))))
        (local.set $sD (f32.add (local.get $sD) (f32.load (i32.add (local.get $cD) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $dcSum)))
      ;; dx2 = dm·k, for each real row of the group
      (local.set $t (i32.const 0))
      (block $doneFill (loop $eachFill
        (br_if $doneFill (i32.or (i32.ge_u (local.get $t) (i32.const 4))
                                 (i32.ge_u (i32.add (local.get $r) (local.get $t)) (local.get $rows))))
        (local.set $dm (f32.mul (f32.neg (call $pick (local.get $t) (local.get $sA) (local.get $sB) (local.get $sC) (local.get $sD))) (local.get $k)))
        (local.set $d2 (i32.add (local.get $dx2) (i32.mul (i32.add (local.get $r) (local.get $t)) (local.get $rowBytes))))
        (local.set $dqV (f32x4.splat (local.get $dm)))
        (local.set $j (i32.const 0))
        (block $s5 (loop $fill4
          (br_if $s5 (i32.ge_u (local.get $j) (local.get $end4)))
          (v128.store align=4 (i32.add (local.get $d2) (local.get $j)) (local.get $dqV))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $fill4)))
        (block $s4 (loop $fill
          (br_if $s4 (i32.ge_u (local.get $j) (local.get $rowBytes)))
          (f32.store (i32.add (local.get $d2) (local.get $j)) (local.get $dm))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $fill)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $eachFill)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $group))))
)
