#!/bin/sh
# Unpack Debian's OpenBLAS into bench/torch/out/openblas, for torch to load through
# LD_LIBRARY_PATH: Debian's torch is built against the generic libblas.so.3, which is the
# unoptimised reference BLAS unless an optimised one is installed (~20x slower matmuls here).
# Nothing system-wide changes; `apt-get install libopenblas0-pthread` is the system-wide way.
# Prints the directory to put on LD_LIBRARY_PATH.
set -eu
out="$(cd "$(dirname "$0")" && pwd)/out/openblas"
deb=$(ls /var/cache/apt/archives/libopenblas0-pthread_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  mkdir -p "$out" && (cd "$out" && apt-get download libopenblas0-pthread >&2)
  deb=$(ls "$out"/libopenblas0-pthread_*.deb | head -n 1)
fi
mkdir -p "$out"
dpkg-deb -x "$deb" "$out"
echo "$out/usr/lib/x86_64-linux-gnu/openblas-pthread"
