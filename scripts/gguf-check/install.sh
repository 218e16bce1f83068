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
echo "node-llama-cpp installed in $(pwd)/node_modules"
