#!/usr/bin/env bash
# Installs llama.cpp's CPU build (npm package node-llama-cpp 3.21.1, pinned in package.json and
# package-lock.json) for the GGUF cross-check test (libs/llm LlamaCppCrossCheckTest). Optional: the
# test is skipped when this was not run. Needs node >= 20 and the npm registry; builds nothing and
# runs no install scripts. npm fetches every platform's prebuilt binaries (~730 MB); only the
# linux-x64 CPU one is kept (~85 MB left).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
for p in node_modules/@node-llama-cpp/*; do
  case "$(basename "$p")" in
    linux-x64) ;;
    *) rm -rf "$p" ;;
  esac
done
# node-llama-cpp's postinstall (skipped by --ignore-scripts) only matters when no prebuilt binary
# fits this machine: it would then download llama.cpp's sources and build them. Instead, check that
# the prebuilt linux-x64 CPU binary loads, with building and downloading forbidden, and say so if not.
if ! node check-binary.mjs; then
  echo "node-llama-cpp's prebuilt binary for $(uname -sm) did not load (see above); the GGUF" \
    "cross-check tests will be skipped. This script never builds llama.cpp from source." >&2
  exit 1
fi
echo "node-llama-cpp installed in $(pwd)/node_modules"
