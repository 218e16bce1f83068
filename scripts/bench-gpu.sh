#!/usr/bin/env bash
# LoRA, QLoRA and full fine-tuning steps on the Llama-3.2-1B shape (random weights, one 512-token
# row per step) on a GPU: the engine's GpuStepBenchmark (libs/llm, tag "benchmark").
#
# Needs: a CUDA 12.8 GPU, JDK 17, Maven, and libtorch 2.7.1+cu128 unpacked somewhere, e.g.
#   curl -fsSLO https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
#   unzip libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip -d /opt
# (the same route as docker/Dockerfile's service-cuda target: DJL loads the libtorch named by
# PYTORCH_LIBRARY_PATH instead of the CPU one on the class path, and PYTORCH_FLAVOR picks the
# matching JNI library).
#
# Usage: LIBTORCH=/opt/libtorch scripts/bench-gpu.sh [methods] [steps]
#   methods: comma-separated subset of lora,qlora,full (default all three; full fine-tuning of
#            1.24 B parameters needs ~20 GB of GPU memory for weights, gradients and AdamW moments)
#   steps:   optimizer steps per method (default 4; the first includes warm-up)
# Environment: TUNEFORGE_DEVICE (default gpu; gpu:N for another card, cpu to compare),
#              CHECKPOINTING=true for gradient checkpointing.
#
# Every tensor's device is chosen in one place (dev.tuneforge.llm.model.Placement, from
# TUNEFORGE_DEVICE); compute is float32 (Placement.COMPUTE). bf16 is not offered: this DJL build
# aborts on BF16 arrays on the CPU, so no bf16 path could be tested here. Untested on any GPU.
set -euo pipefail
cd "$(dirname "$0")/.."

METHODS="${1:-lora,qlora,full}"
STEPS="${2:-4}"
export TUNEFORGE_DEVICE="${TUNEFORGE_DEVICE:-gpu}"
if [[ "$TUNEFORGE_DEVICE" != cpu ]]; then
  if [[ -z "${LIBTORCH:-}" || ! -d "${LIBTORCH}/lib" ]]; then
    echo "set LIBTORCH to an unpacked libtorch 2.7.1+cu128 (a folder with lib/); see the top of $0" >&2
    exit 2
  fi
  export PYTORCH_LIBRARY_PATH="$LIBTORCH/lib" PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
fi

mvn -B -pl libs/llm -am verify -Dtests.excluded=none -Dgroups=benchmark \
  -Dtest=GpuStepBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.gpu.methods="$METHODS" -Dbench.steps="$STEPS" \
  -Dbench.checkpointing="${CHECKPOINTING:-false}" 2>&1 | grep -E "^===|^PROBE|Tests run|ERROR|FAIL"
