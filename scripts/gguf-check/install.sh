#!/usr/bin/env bash
# Installs llama.cpp's CPU build (npm package node-llama-cpp, pinned in package.json and
# package-lock.json) for the GGUF cross-check test (libs/llm LlamaCppCrossCheckTest). Optional: the
# test skips when this was not run. Needs node >= 20 and the npm registry; builds nothing.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
