#!/usr/bin/env bash
# Installs the official OpenAI Node SDK (npm package openai, pinned in package.json and
# package-lock.json) for openai-jobs.mjs and trainer-service's OpenAiNodeSdkTest. Optional: the test
# is skipped when this was not run. Needs node >= 20 and the npm registry; runs no install scripts.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
echo "openai installed in $(pwd)/node_modules"
