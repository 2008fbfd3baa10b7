;; The engine's own batched matmul for tfjs's wasm backend (issue #20): out[b] = A[b] · B[b].
;;
;; Why it exists: tfjs-backend-wasm 4.22 hands every BatchMatMul with a batch dimension > 1
;; (attention's q·kᵀ and a·v, and their gradients: [256, 31, 47] x [256, 47, 16] on the
;; default model) to a scalar C++ triple loop that runs at ~1.2-2 GFLOP/s, whatever the
;; layout. Those matmuls were about a third of a profiled default iteration's wasm kernel
;; time (141-153 of 439-455 ms: README, Performance). This module does the same arithmetic
;; four lanes at a time.
;;
;; Why no copies: it IMPORTS the backend's own WebAssembly.Memory, so it reads the inputs and
;; writes the output where tfjs keeps them (the patch in ../wasmBatchMatMul.ts passes byte
;; offsets, never views). Two builds of the same text (src/cli/kernels.ts): this one, for the
;; plain wasm build whose memory is not shared, and one whose import line says
;; `1 65536 shared`, for the threaded build's SharedArrayBuffer memory (an import must match
;; the memory's sharedness; 65536 pages is the most a 32-bit memory can have, so any
;; maximum the backend chose fits under it).
;;
;; Why the numbers are the same bits as tfjs's kernel: its loop computes each output element
;; as a running float sum over k in order, restarting a partial sum every 48 k's (its block
;; size) and adding that partial to the output (which starts at 0). We keep exactly that order
;; per element and vectorise across OUTPUT COLUMNS instead of across k: four neighbouring
;; columns j..j+3 of one output row share a[i,p], so one splat of a[i,p] times a 4-wide row of
;; B updates four independent running sums, each in tfjs's order. wasm has no fused
;; multiply-add here (mul and add round separately, as in the C++), so nothing else changes.
;; (A dot product over k, four k's per lane, would be simpler for B transposed, but it sums in
;; a different order: equal only to ~1e-6, not bit for bit.)
;;
;; Layouts. A(i, p) is read as a scalar at a + i·aRow + p·aCol (byte strides), so A plain
;; (aRow = 4k, aCol = 4) and A transposed (aRow = 4, aCol = 4m) cost the same. B must be a
;; row-major [k, n] panel, because its rows are what we load four at a time; a transposed B
;; ([n, k] in memory) is first transposed into scratch memory the caller allocates (n·k
;; floats, and 4 more of room: see $gemm's $padded), in 4 x 4 blocks: a few percent of the
;; matmul's work on the model's shapes.
;;
;; Batch broadcasting: a batch stride of 0 reuses one operand for every batch, as tfjs's own
;; kernel does; the caller falls back to tfjs for broadcasts this cannot express (neither
;; operand's batch whole nor 1).
(module
  (memory (import "env" "memory") 1)

  ;; dst (row-major [cols, rows]) = src (row-major [rows, cols])ᵀ, byte addresses. In 4 x 4
  ;; blocks: four row loads, eight lane shuffles, four column stores (a scalar loop costs a load
  ;; and a store per float, which for a decoding step's one query row was as much as the product
  ;; itself). Rows and columns past the last multiple of 4 go one float at a time. Copies only:
  ;; the values are the same bits.
  (func $transpose (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $s i32) (local $d i32) (local $srcRow i32) (local $dstRow i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $srcRow (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dstRow (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $r (i32.const 0))
    ;; Bands of four source rows.
    (block $noBand (loop $band
      (br_if $noBand (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $noBlock (loop $block
        (br_if $noBlock (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        (local.set $s (i32.add (local.get $src)
          (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
        (local.set $r0 (v128.load align=4 (local.get $s)))
        (local.set $r1 (v128.load align=4 (i32.add (local.get $s) (local.get $srcRow))))
        (local.set $r2 (v128.load align=4 (i32.add (local.get $s) (i32.shl (local.get $srcRow) (i32.const 1)))))
        (local.set $r3 (v128.load align=4 (i32.add (local.get $s) (i32.mul (local.get $srcRow) (i32.const 3)))))
        ;; (a0 b0 a1 b1), (a2 b2 a3 b3), (c0 d0 c1 d1), (c2 d2 c3 d3) ...
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
        ;; ... then the columns (a0 b0 c0 d0) .. (a3 b3 c3 d3), each a row of dst.
        (local.set $d (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
        (v128.store align=4 (local.get $d)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store align=4 (i32.add (local.get $d) (local.get $dstRow))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store align=4 (i32.add (local.get $d) (i32.shl (local.get $dstRow) (i32.const 1)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store align=4 (i32.add (local.get $d) (i32.mul (local.get $dstRow) (i32.const 3)))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $block)))
      ;; The band's last cols mod 4 columns.
      (call $transposeScalar (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols)
                             (local.get $r) (i32.add (local.get $r) (i32.const 4)) (local.get $c))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $band)))
    ;; The last rows mod 4 rows, every column.
    (call $transposeScalar (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols)
                           (local.get $r) (local.get $rows) (i32.const 0)))

  ;; dst[c][r] = src[r][c] one float at a time, for rows r0 <= r < r1 and columns c >= c0.
  (func $transposeScalar (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
                         (param $r0 i32) (param $r1 i32) (param $c0 i32)
    (local $r i32) (local $c i32)
    (local.set $r (local.get $r0))
    (block $doneRows (loop $rowLoop
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $r1)))
      (local.set $c (local.get $c0))
      (block $doneCols (loop $colLoop
        (br_if $doneCols (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $colLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; out[r][c] for r < 4, c < 8 = Σ_p A(r, p)·B[p][c], each a running sum from +0 over p in order
  ;; (k <= 48: tfjs's single block). A(r, p) at a + r·aRow + p·aCol, B at b + p·bRow, out rows
  ;; bRow apart (out is [m, n] like B's rows). Eight accumulators, two B vectors, one splat:
  ;; eleven vector registers, no spills.
  (func $block4x8 (param $a i32) (param $aRow i32) (param $aCol i32) (param $b i32) (param $bRow i32) (param $out i32) (param $k i32)
    (local $p i32) (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $c00 (v128.const f32x4 0 0 0 0)) (local.set $c01 (v128.const f32x4 0 0 0 0))
    (local.set $c10 (v128.const f32x4 0 0 0 0)) (local.set $c11 (v128.const f32x4 0 0 0 0))
    (local.set $c20 (v128.const f32x4 0 0 0 0)) (local.set $c21 (v128.const f32x4 0 0 0 0))
    (local.set $c30 (v128.const f32x4 0 0 0 0)) (local.set $c31 (v128.const f32x4 0 0 0 0))
    (local.set $p (i32.const 0))
    (loop $kLoop
      (local.set $b0 (v128.load offset=0 align=4 (local.get $b)))
      (local.set $b1 (v128.load offset=16 align=4 (local.get $b)))
      (local.set $s (f32x4.splat (f32.load (local.get $a))))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
      (local.set $s (f32x4.splat (f32.load (i32.add (local.get $a) (local.get $aRow)))))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
      (local.set $s (f32x4.splat (f32.load (i32.add (local.get $a) (i32.shl (local.get $aRow) (i32.const 1))))))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
      (local.set $s (f32x4.splat (f32.load (i32.add (local.get $a) (i32.mul (local.get $aRow) (i32.const 3))))))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (local.get $aCol)))
      (local.set $b (i32.add (local.get $b) (local.get $bRow)))
      (br_if $kLoop (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k))))
    (v128.store offset=0 align=4 (local.get $out) (local.get $c00))
    (v128.store offset=16 align=4 (local.get $out) (local.get $c01))
    (local.set $out (i32.add (local.get $out) (local.get $bRow)))
    (v128.store offset=0 align=4 (local.get $out) (local.get $c10))
    (v128.store offset=16 align=4 (local.get $out) (local.get $c11))
    (local.set $out (i32.add (local.get $out) (local.get $bRow)))
    (v128.store offset=0 align=4 (local.get $out) (local.get $c20))
    (v128.store offset=16 align=4 (local.get $out) (local.get $c21))
    (local.set $out (i32.add (local.get $out) (local.get $bRow)))
    (v128.store offset=0 align=4 (local.get $out) (local.get $c30))
    (v128.store offset=16 align=4 (local.get $out) (local.get $c31)))

  ;; One batch: out ([m, n], row-major) = A · B, A(i, p) at a + i·aRow + p·aCol, B row-major
  ;; [k, n]. Row by row; each row in strips of 16 columns (four accumulators: one splat feeds
  ;; four loads, and 8 vector registers stay live, few enough not to spill), then strips of 4,
  ;; then single columns (n not a multiple of 4), all three with the same per-element order.
  ;; $padded: B is our scratch copy, with 4 floats of room after it, so the last strip of 4 may
  ;; read past the end of a row of B (into the next row, or the room) and store only its first
  ;; n mod 4 lanes: the lanes are independent sums, so those are the same bits, at vector speed.
  ;;
  ;; Where k <= 48 (one of tfjs's blocks: each element is then its single partial sum from +0,
  ;; which is what every default attention product has: k of 16, 31 or 47), rows in groups of
  ;; four first take their columns in blocks of 4 x 8 (`$block4x8`): four splats and two loads
  ;; feed eight products, where a 16-wide strip of one row needs a splat and four loads for four.
  ;; The row loop then starts those rows at the first column the blocks left.
  (func $gemm (param $a i32) (param $aRow i32) (param $aCol i32) (param $b i32) (param $out i32)
              (param $m i32) (param $n i32) (param $k i32) (param $padded i32)
    (local $i i32) (local $j i32) (local $p i32) (local $k0 i32) (local $kEnd i32) (local $w i32)
    (local $aI i32) (local $o i32) (local $aP i32) (local $bP i32) (local $bRow i32)
    (local $s v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $sAcc f32) (local $sT f32)
    (local $j8 i32) (local $m4 i32)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    ;; Columns below $j8 of rows below $m4 come from 4 x 8 blocks.
    (local.set $m4 (select (i32.and (local.get $m) (i32.const -4)) (i32.const 0) (i32.le_u (local.get $k) (i32.const 48))))
    (local.set $j8 (select (i32.and (local.get $n) (i32.const -8)) (i32.const 0) (i32.ne (local.get $m4) (i32.const 0))))
    (local.set $i (i32.const 0))
    (block $noBlocks (loop $rows4
      (br_if $noBlocks (i32.ge_u (local.get $i) (local.get $m4)))
      (local.set $j (i32.const 0))
      (block $noCols (loop $cols8
        (br_if $noCols (i32.ge_u (local.get $j) (local.get $j8)))
        (call $block4x8 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))) (local.get $aRow) (local.get $aCol)
                        (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bRow)
                        (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $bRow))) (i32.shl (local.get $j) (i32.const 2)))
                        (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $cols8)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $rows4)))
    (local.set $i (i32.const 0))
    (loop $row
      (local.set $aI (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $bRow))))
      (local.set $j (select (local.get $j8) (i32.const 0) (i32.lt_u (local.get $i) (local.get $m4))))

      ;; Strips of 16 columns.
      (block $no16 (loop $strip16
        (br_if $no16 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
        (local.set $t0 (v128.const f32x4 0 0 0 0)) (local.set $t1 (v128.const f32x4 0 0 0 0))
        (local.set $t2 (v128.const f32x4 0 0 0 0)) (local.set $t3 (v128.const f32x4 0 0 0 0))
        (local.set $k0 (i32.const 0))
        ;; tfjs's blocks of 48 k's: a fresh partial sum per block, added to the total after it.
        ;; (The total starts at +0 and a partial that starts at +0 is never -0, so for k <= 48
        ;; the total is the partial, bit for bit, as in tfjs's `0 + sum`.)
        (loop $kBlock16
          (local.set $kEnd (select (local.get $k) (i32.add (local.get $k0) (i32.const 48))
                                   (i32.lt_u (local.get $k) (i32.add (local.get $k0) (i32.const 48)))))
          (local.set $acc0 (v128.const f32x4 0 0 0 0)) (local.set $acc1 (v128.const f32x4 0 0 0 0))
          (local.set $acc2 (v128.const f32x4 0 0 0 0)) (local.set $acc3 (v128.const f32x4 0 0 0 0))
          (local.set $aP (i32.add (local.get $aI) (i32.mul (local.get $k0) (local.get $aCol))))
          (local.set $bP (i32.add (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $bRow)))
                                  (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (local.get $k0))
          (loop $k16
            (local.set $s (f32x4.splat (f32.load (local.get $aP))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $s) (v128.load offset=0 align=4 (local.get $bP)))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $s) (v128.load offset=16 align=4 (local.get $bP)))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $s) (v128.load offset=32 align=4 (local.get $bP)))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $s) (v128.load offset=48 align=4 (local.get $bP)))))
            (local.set $aP (i32.add (local.get $aP) (local.get $aCol)))
            (local.set $bP (i32.add (local.get $bP) (local.get $bRow)))
            (br_if $k16 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kEnd))))
          (local.set $t0 (f32x4.add (local.get $t0) (local.get $acc0)))
          (local.set $t1 (f32x4.add (local.get $t1) (local.get $acc1)))
          (local.set $t2 (f32x4.add (local.get $t2) (local.get $acc2)))
          (local.set $t3 (f32x4.add (local.get $t3) (local.get $acc3)))
          (br_if $kBlock16 (i32.lt_u (local.tee $k0 (local.get $kEnd)) (local.get $k))))
        (v128.store offset=0 align=4 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (local.get $t0))
        (v128.store offset=16 align=4 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (local.get $t1))
        (v128.store offset=32 align=4 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (local.get $t2))
        (v128.store offset=48 align=4 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (local.get $t3))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $strip16)))

      ;; Strips of 4 columns: what 16-wide strips leave, in the same order; with $padded, also the
      ;; last 1-3 columns.
      (block $no4 (loop $strip4
        (local.set $w (i32.sub (local.get $n) (local.get $j)))
        (br_if $no4 (i32.eqz (local.get $w)))
        (br_if $no4 (i32.and (i32.lt_u (local.get $w) (i32.const 4)) (i32.eqz (local.get $padded))))
        (local.set $t0 (v128.const f32x4 0 0 0 0))
        (local.set $k0 (i32.const 0))
        (loop $kBlock4
          (local.set $kEnd (select (local.get $k) (i32.add (local.get $k0) (i32.const 48))
                                   (i32.lt_u (local.get $k) (i32.add (local.get $k0) (i32.const 48)))))
          (local.set $acc0 (v128.const f32x4 0 0 0 0))
          (local.set $aP (i32.add (local.get $aI) (i32.mul (local.get $k0) (local.get $aCol))))
          (local.set $bP (i32.add (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $bRow)))
                                  (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (local.get $k0))
          (loop $k4
            (local.set $acc0 (f32x4.add (local.get $acc0)
              (f32x4.mul (f32x4.splat (f32.load (local.get $aP))) (v128.load align=4 (local.get $bP)))))
            (local.set $aP (i32.add (local.get $aP) (local.get $aCol)))
            (local.set $bP (i32.add (local.get $bP) (local.get $bRow)))
            (br_if $k4 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kEnd))))
          (local.set $t0 (f32x4.add (local.get $t0) (local.get $acc0)))
          (br_if $kBlock4 (i32.lt_u (local.tee $k0 (local.get $kEnd)) (local.get $k))))
        (if (i32.ge_u (local.get $w) (i32.const 4))
          (then (v128.store align=4 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (local.get $t0))
                (local.set $j (i32.add (local.get $j) (i32.const 4))))
          (else
            (f32.store offset=0 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (f32x4.extract_lane 0 (local.get $t0)))
            (if (i32.gt_u (local.get $w) (i32.const 1))
              (then (f32.store offset=4 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (f32x4.extract_lane 1 (local.get $t0)))))
            (if (i32.gt_u (local.get $w) (i32.const 2))
              (then (f32.store offset=8 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (f32x4.extract_lane 2 (local.get $t0)))))
            (local.set $j (local.get $n))))
        (br $strip4)))

      ;; The last n mod 4 columns, one at a time, in scalar floats (the same order again).
      (block $no1 (loop $col
        (br_if $no1 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $sT (f32.const 0))
        (local.set $k0 (i32.const 0))
        (loop $kBlock1
          (local.set $kEnd (select (local.get $k) (i32.add (local.get $k0) (i32.const 48))
                                   (i32.lt_u (local.get $k) (i32.add (local.get $k0) (i32.const 48)))))
          (local.set $sAcc (f32.const 0))
          (local.set $aP (i32.add (local.get $aI) (i32.mul (local.get $k0) (local.get $aCol))))
          (local.set $bP (i32.add (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $bRow)))
                                  (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (local.get $k0))
          (loop $k1
            (local.set $sAcc (f32.add (local.get $sAcc) (f32.mul (f32.load (local.get $aP)) (f32.load (local.get $bP)))))
            (local.set $aP (i32.add (local.get $aP) (local.get $aCol)))
            (local.set $bP (i32.add (local.get $bP) (local.get $bRow)))
            (br_if $k1 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kEnd))))
          (local.set $sT (f32.add (local.get $sT) (local.get $sAcc)))
          (br_if $kBlock1 (i32.lt_u (local.tee $k0 (local.get $kEnd)) (local.get $k))))
        (f32.store (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))) (local.get $sT))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $col)))

      (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m)))))

  ;; The export. Every count is in floats; m, n, k >= 1 and batch >= 1 (the caller falls back
  ;; to tfjs otherwise). aBatch / bBatch: floats from one batch of A / B to the next (0 = the
  ;; same operand for every batch). transA: A is stored [k, m]. transB: B is stored [n, k] and
  ;; `scratch` has room for n·k + 4 floats. out is [batch, m, n].
  (func (export "batchMatMul")
        (param $a i32) (param $b i32) (param $out i32) (param $scratch i32)
        (param $batch i32) (param $m i32) (param $n i32) (param $k i32)
        (param $aBatch i32) (param $bBatch i32) (param $transA i32) (param $transB i32)
    (local $bi i32) (local $aRow i32) (local $aCol i32) (local $panel i32) (local $outStep i32)
    ;; A(i, p)'s byte strides: [m, k] row-major, or [k, m] when transposed.
    (if (local.get $transA)
      (then (local.set $aRow (i32.const 4)) (local.set $aCol (i32.shl (local.get $m) (i32.const 2))))
      (else (local.set $aRow (i32.shl (local.get $k) (i32.const 2))) (local.set $aCol (i32.const 4))))
    (local.set $aBatch (i32.shl (local.get $aBatch) (i32.const 2)))
    (local.set $bBatch (i32.shl (local.get $bBatch) (i32.const 2)))
    (local.set $outStep (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2)))
    (local.set $panel (local.get $b))
    ;; A broadcast B transposed once is good for every batch.
    (if (i32.and (local.get $transB) (i32.eqz (local.get $bBatch)))
      (then (call $transpose (local.get $b) (local.get $scratch) (local.get $n) (local.get $k))
            (local.set $panel (local.get $scratch))))
    (local.set $bi (i32.const 0))
    (loop $batches
      (if (i32.and (local.get $transB) (i32.ne (local.get $bBatch) (i32.const 0)))
        (then (call $transpose (local.get $b) (local.get $scratch) (local.get $n) (local.get $k))
              (local.set $panel (local.get $scratch)))
        (else (if (i32.eqz (local.get $transB)) (then (local.set $panel (local.get $b))))))
      (call $gemm (local.get $a) (local.get $aRow) (local.get $aCol) (local.get $panel) (local.get $out)
                  (local.get $m) (local.get $n) (local.get $k) (local.get $transB))
      (local.set $a (i32.add (local.get $a) (local.get $aBatch)))
      (local.set $b (i32.add (local.get $b) (local.get $bBatch)))
      (local.set $out (i32.add (local.get $out) (local.get $outStep)))
      (br_if $batches (i32.lt_u (local.tee $bi (i32.add (local.get $bi) (i32.const 1))) (local.get $batch)))))

  ;; A dense matmul, out ([m, n], row-major) = A · B, one matrix each, for the shapes where
  ;; tfjs's path copies: a dense layer's weight gradient xᵀ·dy (transA: A stored [k, m]) and its
  ;; input gradient dy·wᵀ (transB: B stored [n, k]).
  ;;
  ;; Why it exists: tfjs hands both to XNNPACK's dense matmul after an explicit Transpose
  ;; (../wasmMatMul.ts), and XNNPACK packs B, all k x n of it, on every call whose B is a new
  ;; tensor, then streams the packed B once per 4 rows of the output. For the weight gradient
  ;; [1984, 64]ᵀ x [1984, 256] that is 16 passes over 2 MB: inside a training iteration those
  ;; products took 21-31 ms of ~220 (per-kernel timers). Here A is read where it lies
  ;; (transposed or not: A(i, p) at a + i·aRow + p·aCol), a transposed B is transposed into
  ;; `scratch` (n·k floats; for dy·wᵀ that is w, 16k floats), and k goes in chunks of 64 so
  ;; that a chunk of A and a 64 x 8 panel of B stay in cache while every 4 x 8 block of the
  ;; output takes its share.
  ;;
  ;; Same bits as XNNPACK's kernels, by the same order of operations per output element: a sum
  ;; from +0 over p = 0, 1, ..., k - 1 of a(i, p)·b(p, j), each product and each sum rounded to
  ;; float32 (no fused multiply-add in wasm SIMD). The running sums wait in `out` between
  ;; chunks, which changes nothing: they are float32 in a register too. m must be a multiple of
  ;; 4 and n of 4 (the caller checks; other shapes stay on tfjs's path), k >= 1: columns in
  ;; blocks of 8, then one block of 4 where n mod 8 = 4.
  ;;
  ;; $bias (a byte address, or 0 for none): a dense layer's forward x·w + b in one kernel
  ;; (../wasmDense.ts). Each finished sum gets bias[j] added once, after its last k, as it
  ;; leaves the registers: the same float32 addition tfjs's Add did in a second pass over out
  ;; (sum + b; IEEE addition is commutative bit for bit), without that pass or its kernel.
  (func (export "matMulDense")
        (param $a i32) (param $b i32) (param $out i32) (param $scratch i32)
        (param $m i32) (param $n i32) (param $k i32) (param $transA i32) (param $transB i32) (param $bias i32)
    (local $bias0 v128) (local $bias1 v128) (local $n8 i32)
    (local $k0 i32) (local $kEnd i32) (local $i i32) (local $j i32) (local $p i32)
    (local $aRow i32) (local $aCol i32) (local $aR2 i32) (local $aR3 i32) (local $oRow i32)
    (local $aP i32) (local $bP i32) (local $o i32) (local $aR1 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (if (local.get $transA)
      (then (local.set $aRow (i32.const 4)) (local.set $aCol (i32.shl (local.get $m) (i32.const 2))))
      (else (local.set $aRow (i32.shl (local.get $k) (i32.const 2))) (local.set $aCol (i32.const 4))))
    (local.set $aR1 (local.get $aRow))
    (local.set $aR2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $aR3 (i32.mul (local.get $aRow) (i32.const 3)))
    (if (local.get $transB)
      (then (call $transpose (local.get $b) (local.get $scratch) (local.get $n) (local.get $k))
            (local.set $b (local.get $scratch))))
    (local.set $oRow (i32.shl (local.get $n) (i32.const 2))) ;; B's rows are as long as out's
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (local.set $k0 (i32.const 0))
    (loop $chunk
      (local.set $kEnd (select (local.get $k) (i32.add (local.get $k0) (i32.const 64))
                               (i32.lt_u (local.get $k) (i32.add (local.get $k0) (i32.const 64)))))
      ;; Columns outside, rows inside: the chunk's 64 x 8 panel of B (2 KB) is read from
      ;; memory once and from L1 by the m / 4 row blocks.
      (local.set $j (i32.const 0))
      (if (local.get $n8) (then
      (loop $col
        (local.set $i (i32.const 0))
        (loop $row
          (local.set $o (i32.add (local.get $out)
            (i32.add (i32.mul (local.get $i) (local.get $oRow)) (i32.shl (local.get $j) (i32.const 2)))))
          (if (i32.eqz (local.get $k0))
            (then
              (local.set $c00 (v128.const i32x4 0 0 0 0))
              (local.set $c01 (v128.const i32x4 0 0 0 0))
              (local.set $c10 (v128.const i32x4 0 0 0 0))
              (local.set $c11 (v128.const i32x4 0 0 0 0))
              (local.set $c20 (v128.const i32x4 0 0 0 0))
              (local.set $c21 (v128.const i32x4 0 0 0 0))
              (local.set $c30 (v128.const i32x4 0 0 0 0))
              (local.set $c31 (v128.const i32x4 0 0 0 0)))
            (else
              (local.set $c00 (v128.load offset=0 align=4 (local.get $o)))
              (local.set $c01 (v128.load offset=16 align=4 (local.get $o)))
              (local.set $c10 (v128.load offset=0 align=4 (i32.add (local.get $o) (local.get $oRow))))
              (local.set $c11 (v128.load offset=16 align=4 (i32.add (local.get $o) (local.get $oRow))))
              (local.set $c20 (v128.load offset=0 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 2)))))
              (local.set $c21 (v128.load offset=16 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 2)))))
              (local.set $c30 (v128.load offset=0 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 3)))))
              (local.set $c31 (v128.load offset=16 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 3)))))))
          (local.set $aP (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $i) (local.get $aRow)) (i32.mul (local.get $k0) (local.get $aCol)))))
          (local.set $bP (i32.add (local.get $b)
            (i32.add (i32.mul (local.get $k0) (local.get $oRow)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $p (local.get $k0))
          ;; One k: a(i..i+3, p) and b(p, j..j+7).
          (loop $kLoop
            (local.set $b0 (v128.load offset=0 align=4 (local.get $bP)))
            (local.set $b1 (v128.load offset=16 align=4 (local.get $bP)))
            (local.set $s (v128.load32_splat align=4 (local.get $aP)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat align=4 (i32.add (local.get $aP) (local.get $aR1))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat align=4 (i32.add (local.get $aP) (local.get $aR2))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat align=4 (i32.add (local.get $aP) (local.get $aR3))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $aP (i32.add (local.get $aP) (local.get $aCol)))
            (local.set $bP (i32.add (local.get $bP) (local.get $oRow)))
            (br_if $kLoop (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kEnd))))
          ;; The last chunk: every sum is whole, so the bias joins it here.
          (if (i32.and (i32.ne (local.get $bias) (i32.const 0)) (i32.eq (local.get $kEnd) (local.get $k)))
            (then
              (local.set $bias0 (v128.load offset=0 align=4 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $bias1 (v128.load offset=16 align=4 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $c00 (f32x4.add (local.get $c00) (local.get $bias0)))
              (local.set $c01 (f32x4.add (local.get $c01) (local.get $bias1)))
              (local.set $c10 (f32x4.add (local.get $c10) (local.get $bias0)))
              (local.set $c11 (f32x4.add (local.get $c11) (local.get $bias1)))
              (local.set $c20 (f32x4.add (local.get $c20) (local.get $bias0)))
              (local.set $c21 (f32x4.add (local.get $c21) (local.get $bias1)))
              (local.set $c30 (f32x4.add (local.get $c30) (local.get $bias0)))
              (local.set $c31 (f32x4.add (local.get $c31) (local.get $bias1)))))
          (v128.store offset=0 align=4 (local.get $o) (local.get $c00))
          (v128.store offset=16 align=4 (local.get $o) (local.get $c01))
          (v128.store offset=0 align=4 (i32.add (local.get $o) (local.get $oRow)) (local.get $c10))
          (v128.store offset=16 align=4 (i32.add (local.get $o) (local.get $oRow)) (local.get $c11))
          (v128.store offset=0 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 2))) (local.get $c20))
          (v128.store offset=16 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 2))) (local.get $c21))
          (v128.store offset=0 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 3))) (local.get $c30))
          (v128.store offset=16 align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 3))) (local.get $c31))
          (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m))))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n8))))))
      ;; n mod 8 = 4 (the LM head's 68 words): the last four columns in 4 x 4 blocks, each
      ;; element's sum in the same order as above.
      (if (i32.lt_u (local.get $n8) (local.get $n)) (then
        (local.set $j (local.get $n8))
        (local.set $i (i32.const 0))
        (loop $row4
          (local.set $o (i32.add (local.get $out)
            (i32.add (i32.mul (local.get $i) (local.get $oRow)) (i32.shl (local.get $j) (i32.const 2)))))
          (if (i32.eqz (local.get $k0))
            (then
              (local.set $c00 (v128.const i32x4 0 0 0 0))
              (local.set $c10 (v128.const i32x4 0 0 0 0))
              (local.set $c20 (v128.const i32x4 0 0 0 0))
              (local.set $c30 (v128.const i32x4 0 0 0 0)))
            (else
              (local.set $c00 (v128.load align=4 (local.get $o)))
              (local.set $c10 (v128.load align=4 (i32.add (local.get $o) (local.get $oRow))))
              (local.set $c20 (v128.load align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 2)))))
              (local.set $c30 (v128.load align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 3)))))))
          (local.set $aP (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $i) (local.get $aRow)) (i32.mul (local.get $k0) (local.get $aCol)))))
          (local.set $bP (i32.add (local.get $b)
            (i32.add (i32.mul (local.get $k0) (local.get $oRow)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $p (local.get $k0))
          (loop $kLoop4
            (local.set $b0 (v128.load align=4 (local.get $bP)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (v128.load32_splat align=4 (local.get $aP)) (local.get $b0))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $aP) (local.get $aR1))) (local.get $b0))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $aP) (local.get $aR2))) (local.get $b0))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $aP) (local.get $aR3))) (local.get $b0))))
            (local.set $aP (i32.add (local.get $aP) (local.get $aCol)))
            (local.set $bP (i32.add (local.get $bP) (local.get $oRow)))
            (br_if $kLoop4 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $kEnd))))
          (if (i32.and (i32.ne (local.get $bias) (i32.const 0)) (i32.eq (local.get $kEnd) (local.get $k)))
            (then
              (local.set $bias0 (v128.load align=4 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $c00 (f32x4.add (local.get $c00) (local.get $bias0)))
              (local.set $c10 (f32x4.add (local.get $c10) (local.get $bias0)))
              (local.set $c20 (f32x4.add (local.get $c20) (local.get $bias0)))
              (local.set $c30 (f32x4.add (local.get $c30) (local.get $bias0)))))
          (v128.store align=4 (local.get $o) (local.get $c00))
          (v128.store align=4 (i32.add (local.get $o) (local.get $oRow)) (local.get $c10))
          (v128.store align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 2))) (local.get $c20))
          (v128.store align=4 (i32.add (local.get $o) (i32.mul (local.get $oRow) (i32.const 3))) (local.get $c30))
          (br_if $row4 (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m))))))
      (br_if $chunk (i32.lt_u (local.tee $k0 (local.get $kEnd)) (local.get $k)))))
)
