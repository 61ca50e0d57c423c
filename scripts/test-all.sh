#!/usr/bin/env bash
# Everything CI checks, in one place: unit and integration tests, then every example that ships.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
