#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds the optimised binary and runs `lodestar` with the given arguments.
#   bash scripts/lodestar.sh embed --input texts.txt --format jsonl
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh >&2
swift build -c release --product lodestar >&2
exec "$ROOT/.build/release/lodestar" "$@"
