#!/usr/bin/env bash
# Runs the whole test suite (after scripts/setup.sh): optimised build with testability, because the
# parity and index tests do real numerical work.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift test -c release -Xswiftc -enable-testing "$@"
