;; Copies of whole runs for tfjs's wasm backend (issue #20): a Transpose that keeps the last axis
;; in place (transposeRuns) and a Concat (copyRuns). A copy moves bits: the values are the same.
;;
;; transposeRuns: attention's [B, S, 3H, Dh] -> [B, 3H, S, Dh] and back ([0, 2, 1, 3]), forward
;; and in their gradients. Why: tfjs-backend-wasm 4.22's Transpose walks the output element by element,
;; computing each element's input index: ~4.5 ms for the update's [64, 31, 12, 16] inside an
;; iteration. When the last axis stays last, the output is runs of that axis's floats, each
;; copied whole from the input: here 16 bytes at a time.
;;
;; The output is written in order; its three outer axes (sizes n0, n1, n2, the innermost
;; fastest) read the input at byte strides s0, s1, s2; each run is `run` bytes (a multiple of
;; 4: float32 or int32).
;;
;; copyRuns: `count` runs of `run` bytes (a multiple of 4), the i-th from src + i·srcStride to
;; dst + i·dstStride: one input of a Concat (the KV cache's append at every decoding step), where
;; tfjs's kernel, and then ../wasmCopies.ts's JavaScript, paid a call per run.
;;
;; Like ./batchMatMul.wat, this IMPORTS the backend's own memory and reads and writes tensors
;; where tfjs keeps them (byte addresses).
(module
  (memory (import "env" "memory") 1)

  ;; One run of `run` bytes from src to dst: 16 bytes at a time, then 4.
  (func $copy (param $src i32) (param $dst i32) (param $run i32)
    (local $k i32) (local $run16 i32)
    (local.set $run16 (i32.and (local.get $run) (i32.const -16)))
    (local.set $k (i32.const 0))
    (block $c16 (loop $copy16
      (br_if $c16 (i32.ge_u (local.get $k) (local.get $run16)))
      (v128.store align=4 (i32.add (local.get $dst) (local.get $k)) (v128.load align=4 (i32.add (local.get $src) (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $copy16)))
    (block $c4 (loop $copy4
      (br_if $c4 (i32.ge_u (local.get $k) (local.get $run)))
      (i32.store (i32.add (local.get $dst) (local.get $k)) (i32.load (i32.add (local.get $src) (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $copy4))))

  (func (export "copyRuns") (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
                            (param $run i32) (param $count i32)
    (local $i i32)
    (local.set $i (i32.const 0))
    (block $done (loop $runs
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (call $copy (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $srcStride)))
                  (i32.add (local.get $dst) (i32.mul (local.get $i) (local.get $dstStride)))
                  (local.get $run))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $runs))))

  (func (export "transposeRuns") (param $src i32) (param $dst i32) (param $run i32)
                                 (param $n0 i32) (param $s0 i32) (param $n1 i32) (param $s1 i32)
                                 (param $n2 i32) (param $s2 i32)
    (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $a0 i32) (local $a1 i32) (local $a i32)
    (local.set $i0 (i32.const 0))
    (block $d0 (loop $l0
      (br_if $d0 (i32.ge_u (local.get $i0) (local.get $n0)))
      (local.set $a0 (i32.add (local.get $src) (i32.mul (local.get $i0) (local.get $s0))))
      (local.set $i1 (i32.const 0))
      (block $d1 (loop $l1
        (br_if $d1 (i32.ge_u (local.get $i1) (local.get $n1)))
        (local.set $a1 (i32.add (local.get $a0) (i32.mul (local.get $i1) (local.get $s1))))
        (local.set $i2 (i32.const 0))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $i2) (local.get $n2)))
          (local.set $a (i32.add (local.get $a1) (i32.mul (local.get $i2) (local.get $s2))))
          (call $copy (local.get $a) (local.get $dst) (local.get $run))
          (local.set $dst (i32.add (local.get $dst) (local.get $run)))
          (local.set $i2 (i32.add (local.get $i2) (i32.const 1)))
          (br $l2)))
        (local.set $i1 (i32.add (local.get $i1) (i32.const 1)))
        (br $l1)))
      (local.set $i0 (i32.add (local.get $i0) (i32.const 1)))
      (br $l0))))
)
