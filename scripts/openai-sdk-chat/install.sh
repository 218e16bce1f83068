#!/usr/bin/env bash
# Installs the official OpenAI Node SDK (openai 7.59.0, pinned) for scripts/openai-sdk-chat/chat.mjs
# and the evaluator's OpenAiSdkChatTest. Optional: the test is skipped when this was not run.
# Needs node >= 20 and the npm registry.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --ignore-scripts
echo "openai installed in $(pwd)/node_modules"
