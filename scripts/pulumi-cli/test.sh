#!/usr/bin/env bash
# Unit tests of our Node.js language host. It is built (and so needs testing) only where Go is
# installed; with a pulumi CLI from elsewhere, ensure.sh never builds it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/language-host"
if ! command -v go >/dev/null 2>&1; then
  echo "language host: Go is not installed, so the host is not built here and its tests do not apply"
  exit 0
fi
go test ./...
