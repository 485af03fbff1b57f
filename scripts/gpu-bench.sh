#!/usr/bin/env bash
# The one GPU run of mpt-eval (speed against the HF peer, plus the CUDA and NCCL checks), built to fit one lease
# of a GPU machine (one H100 80 GB, 16 cores, python3 with torch 2.x + CUDA and transformers, cmake,
# ninja, nvcc; no network, none of our system libraries: carry .gpu-deps from scripts/gpu-deps).
#
#   OUT=/some/dir scripts/gpu-bench.sh            # on the GPU machine (the `run` tool sets $OUT)
#   scripts/gpu-bench.sh --dry-run                # here, on CPU: same steps, tiny shapes, no HF
#   MPTEVAL_GPU_DRY_RUN=1 scripts/gpu-bench.sh    # the same
#
# Steps, most important first, each time-boxed (`timeout`) and failure-tolerant (a failed step prints
# its error and the script goes on); a global budget (MPTEVAL_GPU_BUDGET_S, default 540 s) skips the
# steps that no longer fit:
#   1. environment (nvidia-smi, torch/CUDA/cuDNN versions and C++ ABI, nvcc, g++, cmake, glibc)
#   2. configure + build mpt-eval and test_models_gpu against the machine's libtorch (all cores)
#   3. ctest -L gpu: CUDA fixture parity in fp32 (TF32 off), bf16/fp16 deviations, fused vs reference
#      attention, branched scoring and continuous batching on CUDA
#   4. an MPT-7B-shaped random checkpoint in bf16 (`mpt-eval init`, ~13.3 GB, ~30 s on 16 cores)
#   5. mpt-eval bench on it: mc-short, long, batch1, then humaneval-like (164 prompts in flight; retried
#      at 96 slots if that runs out of memory), with per-request dumps and the request files
#   6. the HF baseline on the same checkpoint (--model-dir) and the same requests (--synthetic; the
#      request files of step 5 are checked against the baseline's synthetic() first); falls back to
#      random weights (--shape mpt-7b, speed only) when it cannot load the checkpoint
#   7. the ratio table and the numerics (bench/bench_report.py)
#   8. scripts/gpu-dist-check, when present: the one-GPU NCCL run (tiny model and the
#      MPT-7B-shaped checkpoint of step 4 through `mpt-eval launch --nproc 1`); it runs right after
#      step 5, before the baseline, because it is short and only this run can show it
#   9. MPT-30B shape (random weights) at batch 16: scoring and generation, ours then HF (memory check)
#
# Trade-off (step 4): the numerics comparison needs one checkpoint that both programs load. Writing
# the 7B one costs ~30-40 s of the budget but lets the same runs give speed and numerics at the shape
# the targets are about. MPTEVAL_GPU_NUMERICS_SHAPE=mpt-350m (or mpt-125m) writes that smaller
# checkpoint instead and runs the 7B speed runs on random weights (HF: --shape mpt-7b); the numerics
# then come from a separate pair of short runs at that shape.
#
# Outputs in $OUT (at most 8 files): summary.txt (everything that matters, also printed at the end),
# env.log, build.log, tests.log, ours.log (our bench runs, JSON lines included), hf.log (baseline runs),
# dist.log (step 8), results.tar.gz (JSON lines, per-request dumps, request files' check, report JSON).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DRY=${MPTEVAL_GPU_DRY_RUN:-0}
[ "${1:-}" = "--dry-run" ] && DRY=1
if [ "$DRY" = 1 ]; then OUT=${OUT:-$ROOT/gpu-out-dry}; else OUT=${OUT:-$ROOT/gpu-out}; fi
mkdir -p "$OUT"
WORK=${MPTEVAL_GPU_WORK:-/tmp/mpteval-gpu}
rm -rf "$WORK/results" && mkdir -p "$WORK/results/requests"
RES=$WORK/results
BUDGET=${MPTEVAL_GPU_BUDGET_S:-540}
START=$(date +%s)
JOBS=${MPTEVAL_GPU_JOBS:-$(nproc)}
SUMMARY=$OUT/summary.txt
: > "$SUMMARY"
for f in env build tests ours hf dist; do : > "$OUT/$f.log"; done

say() { echo "$*" | tee -a "$SUMMARY"; }
elapsed() { echo $(( $(date +%s) - START )); }
remaining() { echo $(( BUDGET - $(elapsed) )); }

# step NAME CAP_S MIN_S LOG -- command...: runs the command with a timeout of min(CAP_S, time left),
# or skips it when less than MIN_S is left. Returns the command's exit status (99 when skipped).
step() {
  local name=$1 cap=$2 min=$3 log=$4
  shift 5
  local left
  left=$(remaining)
  if (( left < min )); then
    say "SKIP    $name: ${left}s of the budget left, it needs ${min}s"
    return 99
  fi
  local limit=$(( cap < left ? cap : left ))
  local t0
  t0=$(date +%s)
  echo "=== $name (time limit ${limit}s, at ${t0}, $(elapsed)s into the run): $*" >> "$log"
  timeout --kill-after=15 "$limit" "$@" >> "$log" 2>&1
  local rc=$? dt=$(( $(date +%s) - t0 ))
  if (( rc == 0 )); then
    say "ok      $name (${dt}s)"
  elif (( rc == 124 || rc == 137 )); then
    say "TIMEOUT $name after ${dt}s (limit ${limit}s); see $(basename "$log")"
  else
    say "FAIL    $name: exit $rc after ${dt}s; last lines of $(basename "$log"):"
    tail -n 8 "$log" | sed 's/^/          /' | tee -a "$SUMMARY"
  fi
  return $rc
}

# Packs the machine-readable results (again after every phase, so a cut-off run still returns them).
pack() { tar -czf "$OUT/results.tar.gz" -C "$WORK" results 2>/dev/null; }

# json_lines STEP LOG: the JSON lines a step printed into LOG (between its "=== STEP " header and the next).
json_lines() {
  awk -v s="=== $1 " 'index($0, "=== ") == 1 { keep = index($0, s) == 1; next } keep && /^\{/' "$2"
}

# ---------------------------------------------------------------------------------------------- 1
PYTHON=${PYTHON:-python3}
if [ "$DRY" != 1 ] && ! "$PYTHON" -c 'import torch' 2>/dev/null && [ -x /opt/torch/.venv/bin/python3 ]; then
  PYTHON=/opt/torch/.venv/bin/python3
fi
say "mpt-eval GPU run $(date -u +%FT%TZ), dry run: $DRY, budget ${BUDGET}s, $JOBS jobs, work dir $WORK"
{
  echo "--- host"; uname -a; nproc; free -g; df -h "$WORK" "$ROOT" 2>/dev/null
  echo "--- glibc"; ldd --version 2>&1 | head -1
  echo "--- compilers"; g++ --version | head -1; cmake --version | head -1; ninja --version
  command -v nvcc >/dev/null && nvcc --version | tail -2 || ls -l /usr/local/cuda/bin/nvcc 2>&1
  echo "--- python"; command -v "$PYTHON"; "$PYTHON" --version
  if [ "$DRY" != 1 ]; then
    echo "--- nvidia-smi"; nvidia-smi 2>&1
    nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv 2>&1
    echo "--- torch"
    "$PYTHON" - <<'PY' 2>&1
import torch, os
print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())
print("cxx11 abi", torch._C._GLIBCXX_USE_CXX11_ABI, "cmake prefix", torch.utils.cmake_prefix_path)
print("device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")
print("lib dir", os.path.join(os.path.dirname(torch.__file__), "lib"))
try:
    import transformers; print("transformers", transformers.__version__)
except Exception as e:
    print("transformers: not importable:", e)
PY
  fi
  echo "--- .gpu-deps"; ls "$ROOT/.gpu-deps/usr/lib/x86_64-linux-gnu" 2>&1 | tr '\n' ' '; echo
} >> "$OUT/env.log" 2>&1
grep -E "^(torch|cxx11|device|transformers)|NVIDIA-SMI|GLIBC|g\+\+|cmake version|release" "$OUT/env.log" | sed 's/^/  /' | tee -a "$SUMMARY"

# ---------------------------------------------------------------------------------------------- 2
if [ "$DRY" = 1 ]; then BUILD=${MPTEVAL_GPU_BUILD_DIR:-$ROOT/build}; else BUILD=${MPTEVAL_GPU_BUILD_DIR:-$ROOT/build-gpu}; fi
DEPS=$ROOT/.gpu-deps/usr
export LD_LIBRARY_PATH="$DEPS/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ "$DRY" = 1 ]; then
  PREFIX="$DEPS"
else
  TORCH_PREFIX=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)
  TORCH_LIB=$("$PYTHON" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null)
  export LD_LIBRARY_PATH="$TORCH_LIB:$LD_LIBRARY_PATH"
  PREFIX="$DEPS;$TORCH_PREFIX"
  export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}  # libtorch's CMake: no GPU architecture probing
fi
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
if [ -f "$BUILD/CMakeCache.txt" ] && [ "${MPTEVAL_GPU_RECONFIGURE:-0}" != 1 ]; then
  say "ok      configure: reusing $BUILD"
else
  CUDA_ARGS=()
  [ "$DRY" != 1 ] && CUDA_ARGS=(-DCMAKE_CUDA_COMPILER="$NVCC" -DCMAKE_CUDA_ARCHITECTURES=90)
  CONFIGURE=(cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX"
             -DMPTEVAL_BUILD_TESTS=ON -DMPTEVAL_BUILD_BENCH=OFF -DMPTEVAL_NCCL=ON -DMPTEVAL_GLOO=ON
             -DCMAKE_CXX_FLAGS=-DFMT_HEADER_ONLY)  # libtorch 2.x bundles fmt 12 headers, Debian's is fmt 9
  if ! step configure 180 30 "$OUT/build.log" -- "${CONFIGURE[@]}" "${CUDA_ARGS[@]}"; then
    # The CUDA toolchain check (models/cuda, no kernel the model uses) is optional: without nvcc, build without them.
    rm -rf "$BUILD"
    step configure-without-cuda-kernels 150 30 "$OUT/build.log" -- "${CONFIGURE[@]}" -DMPTEVAL_CUDA=OFF
  fi
fi
grep -E "mpt-eval: |Found Torch|CUDA" "$OUT/build.log" | sort -u | head -12 | sed 's/^/  /' >> "$SUMMARY"
TARGETS=(mpt-eval test_models_gpu test_harness_gpu)
if ! step build 420 60 "$OUT/build.log" -- cmake --build "$BUILD" --target "${TARGETS[@]}" -j "$JOBS" -- -k 0; then
  # Nothing here was compiled against libtorch 2.x before this run: when c10d's NCCL (then Gloo) API
  # is what breaks, build without it (distributed runs then say so) rather than lose every other step.
  if grep -q "c10d_group.cpp" "$OUT/build.log"; then
    step reconfigure-without-nccl 120 20 "$OUT/build.log" -- cmake "$BUILD" -DMPTEVAL_NCCL=OFF &&
      step build-without-nccl 300 40 "$OUT/build.log" -- cmake --build "$BUILD" --target "${TARGETS[@]}" -j "$JOBS" ||
      { step reconfigure-without-gloo 120 20 "$OUT/build.log" -- cmake "$BUILD" -DMPTEVAL_NCCL=OFF -DMPTEVAL_GLOO=OFF &&
        step build-without-c10d-backends 300 40 "$OUT/build.log" -- cmake --build "$BUILD" --target "${TARGETS[@]}" -j "$JOBS"; }
  fi
fi
BIN=$BUILD/harness/mpt-eval
if [ ! -x "$BIN" ]; then
  say "no mpt-eval binary: nothing else can run"
  cat "$SUMMARY"; exit 1
fi
"$BIN" --version 2>&1 | sed 's/^/  /' | tee -a "$SUMMARY"

# ---------------------------------------------------------------------------------------------- 3
if ! step gpu-tests 150 30 "$OUT/tests.log" -- ctest --test-dir "$BUILD" -L gpu --output-on-failure --timeout 140; then
  # A crashing test: its backtrace, when the machine has gdb (the 2026-11-26 run had a SIGSEGV in
  # CudaLanguageModel.TheRunnerEvaluatesOnCuda and no way to see where).
  FAILED_TESTS=$(cut -d: -f2 "$BUILD/Testing/Temporary/LastTestsFailed.log" 2>/dev/null | paste -sd: -)
  if [ -n "$FAILED_TESTS" ] && command -v gdb >/dev/null; then
    for exe in "$BUILD/tests/models/test_models_gpu" "$BUILD/tests/harness/test_harness_gpu"; do
      step "gdb $(basename "$exe")" 90 20 "$OUT/tests.log" -- gdb -q -batch -ex run -ex bt -ex "thread apply all bt 8" \
        --args "$exe" --gtest_filter="$FAILED_TESTS"
    done
  fi
fi
grep -E "^cuda |Test +#|tests passed|tests failed" "$OUT/tests.log" | sed 's/^/  /' | tee -a "$SUMMARY"

# ---------------------------------------------------------------------------------------------- 4-7
if [ "$DRY" = 1 ]; then
  DEVICE=(--device cpu --dtype fp32); SHAPE=tiny; SHAPE_ARGS=(--vocab-size 50432); INIT_SHAPE=(--shape tiny --vocab-size 50432)
  SLOTS=164
else
  DEVICE=(--device cuda --dtype bf16); SHAPE=mpt-7b; SHAPE_ARGS=(); INIT_SHAPE=(--shape mpt-7b)
  SLOTS=164
fi
NUM_SHAPE=${MPTEVAL_GPU_NUMERICS_SHAPE:-$SHAPE}
[ "$NUM_SHAPE" != "$SHAPE" ] && INIT_SHAPE=(--shape "$NUM_SHAPE")
CKPT=$WORK/ckpt-$NUM_SHAPE
OURS=$RES/ours.jsonl
HF=$RES/hf.jsonl
: > "$OURS"; : > "$HF"
rm -rf "$CKPT"
if ! step init-checkpoint 150 40 "$OUT/ours.log" -- "$BIN" init "${INIT_SHAPE[@]}" --dtype bf16 --seed 0 --out "$CKPT" --force; then
  rm -rf "$CKPT"
fi
# The speed runs use the checkpoint when it has the benchmarked shape, random weights otherwise.
if [ -f "$CKPT/config.json" ] && [ "$NUM_SHAPE" = "$SHAPE" ]; then
  OUR_MODEL=(--model "$CKPT"); HF_MODEL=(--model-dir "$CKPT")
else
  OUR_MODEL=(--shape "$SHAPE" "${SHAPE_ARGS[@]}"); HF_MODEL=(--shape "$SHAPE")
fi
BENCH=("$BIN" bench "${OUR_MODEL[@]}" "${DEVICE[@]}" --mode batched --batch-tokens 16384 --out "$OURS"
       --dump-requests "$RES/requests/{w}.jsonl")
step ours-scoring 150 20 "$OUT/ours.log" -- "${BENCH[@]}" --workload mc-short,long,batch1 --dump "$RES/ours-dump-a.json"
if ! step ours-generation 150 20 "$OUT/ours.log" -- "${BENCH[@]}" --workload humaneval-like --batch-rows "$SLOTS" \
       --dump "$RES/ours-dump-b.json"; then
  step ours-generation-96 120 20 "$OUT/ours.log" -- "${BENCH[@]}" --workload humaneval-like --batch-rows 96 \
    --dump "$RES/ours-dump-b.json"
fi
"$PYTHON" - "$RES/ours-dump-a.json" "$RES/ours-dump-b.json" "$RES/ours-dump.json" <<'PY' 2>>"$OUT/ours.log"
import json, os, sys
merged = {}
for p in sys.argv[1:3]:
    if os.path.exists(p):
        merged.update(json.load(open(p)))
json.dump(merged, open(sys.argv[3], "w"))
PY
step check-requests 30 5 "$OUT/ours.log" -- "$PYTHON" bench/bench_report.py check-requests "$RES/requests"
grep -E "^requests " "$OUT/ours.log" | sed 's/^/  /' | tee -a "$SUMMARY"
pack

# ---------------------------------------------------------------------------------------------- 8
if [ -x scripts/gpu-dist-check ]; then
  # Its interface: the built binary, the checkpoint of step 4 (when written), a work directory; it
  # prints lines starting with nccl, gloo, ranks, timing, ok or FAIL for the summary.
  export MPTEVAL_BIN="$BIN" MPTEVAL_GPU_DRY_RUN="$DRY" MPTEVAL_GPU_WORK="$WORK" MPTEVAL_GPU_CKPT="$CKPT"
  step dist-check 120 30 "$OUT/dist.log" -- scripts/gpu-dist-check
  grep -E "^(nccl|gloo|ranks|timing|ok|FAIL)" "$OUT/dist.log" | sed 's/^/  /' | tee -a "$SUMMARY"
else
  say "SKIP    dist-check: no scripts/gpu-dist-check in this tree (the one-GPU NCCL run)"
fi
pack
if [ "$DRY" = 1 ]; then
  # No torch here: exact mode (every request alone) stands in for the baseline, which exercises the
  # comparison and the table with real, slightly different numbers.
  STANDIN=("$BIN" bench "${OUR_MODEL[@]}" "${DEVICE[@]}" --mode exact --out "$HF")
  step standin-baseline 300 20 "$OUT/hf.log" -- "${STANDIN[@]}" --workload mc-short,long,batch1,humaneval-like \
    --batch-rows 32 --dump "$RES/hf-dump.json"
else
  HF_RUN=("$PYTHON" bench/hf_mpt_baseline.py --synthetic mc-short --synthetic long --synthetic humaneval-like
          --synthetic batch1 --dtype bf16 --out "$RES/hf.json" --dump "$RES/hf-dump.json")
  if ! step hf-baseline 260 60 "$OUT/hf.log" -- "${HF_RUN[@]}" "${HF_MODEL[@]}"; then
    if [ "${HF_MODEL[0]}" = "--model-dir" ]; then
      rm -f "$RES/hf-dump.json"
      step hf-baseline-random 230 60 "$OUT/hf.log" -- "${HF_RUN[@]}" --shape mpt-7b
    fi
  fi
  { json_lines hf-baseline "$OUT/hf.log"; json_lines hf-baseline-random "$OUT/hf.log"; } > "$HF"
fi
REPORT=(bench/bench_report.py table --ours "$OURS" --hf "$HF" --json "$RES/report.json")
[ "$NUM_SHAPE" = "$SHAPE" ] && REPORT+=(--ours-dump "$RES/ours-dump.json" --hf-dump "$RES/hf-dump.json")
say ""
say "=== ${SHAPE}"
"$PYTHON" "${REPORT[@]}" 2>&1 | tee -a "$SUMMARY"
pack

# The smaller numerics checkpoint, when chosen: both programs on it, short runs.
if [ "$NUM_SHAPE" != "$SHAPE" ] && [ -f "$CKPT/config.json" ]; then
  NUMW=(mc-short batch1 humaneval-like)
  step ours-numerics 120 20 "$OUT/ours.log" -- "$BIN" bench --model "$CKPT" "${DEVICE[@]}" --workload "$(IFS=,; echo "${NUMW[*]}")" \
    --out "$RES/ours-numerics.jsonl" --dump "$RES/ours-numerics-dump.json"
  if [ "$DRY" != 1 ]; then
    step hf-numerics 150 30 "$OUT/hf.log" -- "$PYTHON" bench/hf_mpt_baseline.py --model-dir "$CKPT" \
      --synthetic mc-short --synthetic batch1 --synthetic humaneval-like --out "$RES/hf-numerics.json" \
      --dump "$RES/hf-numerics-dump.json"
  fi
  json_lines hf-numerics "$OUT/hf.log" > "$RES/hf-numerics.jsonl"
  say "=== numerics at ${NUM_SHAPE}"
  "$PYTHON" bench/bench_report.py table --ours "$RES/ours-numerics.jsonl" --hf "$RES/hf-numerics.jsonl" \
    --ours-dump "$RES/ours-numerics-dump.json" --hf-dump "$RES/hf-numerics-dump.json" 2>&1 | tee -a "$SUMMARY"
  pack
fi

# mc-short was slower than HF at a 16,384-token budget (2026-11-26) while 30B at 8192 beat it: sweep
# the budget and the SDPA kernel to find the bottleneck (speed only, random weights).
if [ "$DRY" != 1 ]; then
  for bt in 4096 8192; do
    step "mc-short-sweep-$bt" 60 25 "$OUT/ours.log" -- "$BIN" bench --shape "$SHAPE" "${DEVICE[@]}" --mode batched \
      --batch-tokens "$bt" --workload mc-short --out "$RES/sweep.jsonl"
  done
  step "mc-short-sweep-efficient" 60 25 "$OUT/ours.log" -- "$BIN" bench --shape "$SHAPE" "${DEVICE[@]}" --mode batched \
    --batch-tokens 8192 --sdpa efficient --workload mc-short --out "$RES/sweep.jsonl"
  say "=== mc-short sweep (batch tokens, SDPA kernel): tokens/s, MFU, GB"
  grep -h '"workload"' "$RES/sweep.jsonl" 2>/dev/null | sed 's/^/  /' | tee -a "$SUMMARY"
  pack
fi

# ---------------------------------------------------------------------------------------------- 9
if [ "$DRY" = 1 ]; then BIG=(--shape tiny --vocab-size 50432); else BIG=(--shape mpt-30b); fi
OURS30=$RES/ours-30b.jsonl
: > "$OURS30"
step ours-30b 150 40 "$OUT/ours.log" -- "$BIN" bench "${BIG[@]}" "${DEVICE[@]}" --workload mc-short-512,gen-32x64 \
  --batch-rows 16 --batch-tokens 8192 --out "$OURS30"
if [ "$DRY" != 1 ]; then
  step hf-30b 170 60 "$OUT/hf.log" -- "$PYTHON" bench/hf_mpt_baseline.py --shape mpt-30b --batch-size 16 \
    --synthetic mc-short-512 --synthetic gen-32x64 --out "$RES/hf-30b.json"
  json_lines hf-30b "$OUT/hf.log" > "$RES/hf-30b.jsonl"
fi
say "=== mpt-30b shape, batch 16 (random weights)"
"$PYTHON" bench/bench_report.py table --ours "$OURS30" --hf "$RES/hf-30b.jsonl" 2>&1 | tee -a "$SUMMARY"
pack

rm -rf "$CKPT"

say ""
say "done after $(elapsed)s of ${BUDGET}s; files in $OUT: $(ls "$OUT" | tr '\n' ' ')"
echo
echo "================================ summary.txt ================================"
cat "$SUMMARY"
