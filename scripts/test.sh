#!/usr/bin/env bash
# Runs the whole test suite (after scripts/setup.sh):
#  1. every test target, optimised with testability (the parity and index tests do real numerical work);
#  2. the index and store concurrency tests again under ThreadSanitizer (separate build folder .build-tsan).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
swift test -c release -Xswiftc -enable-testing "$@"
echo "== ThreadSanitizer: index and store concurrency =="
TSAN_OPTIONS="halt_on_error=1" swift test --sanitize=thread --scratch-path .build-tsan \
  --filter "ConcurrencyTests|HNSWMutationTests/updateRelinksAnExistingID|StorePersistenceTests/queriesAreServedDuringALargeIngest"
