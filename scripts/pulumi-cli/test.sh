#!/usr/bin/env bash
# Unit tests of our Node.js language host. ensure.sh builds the host only where Go is installed, and
# then leaves a stamp in its cache. Without Go the tests cannot run: that is said loudly, and it is a
# failure under CI=true when this machine did build the host (a host that is used must be tested).
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=${PULUMI_CLI_VERSION:-3.276.0} # ensure.sh's PINNED_VERSION
VERSION=${VERSION#v}
STAMP=${PULUMI_MTLS_CACHE:-${HOME:?HOME is not set}/.cache/pulumi-cloudflare-mtls}/pulumi-v$VERSION/.stamp-langhost
GO=${PULUMI_MTLS_GO:-go} # the Go command; tests of this script point it at a missing one

banner() {
  echo "************************************************************************" >&2
  echo "language host: $1" >&2
  echo "************************************************************************" >&2
}

if ! command -v "$GO" >/dev/null 2>&1; then
  if [ -f "$STAMP" ]; then
    message="Go is not installed, yet this machine built the language host ($STAMP): its Go tests (scripts/pulumi-cli/language-host) did NOT run"
    if [ "${CI:-}" = true ]; then
      banner "ERROR: $message. Install Go (the version in language-host/go.mod) so CI tests the host it uses."
      exit 1
    fi
    banner "WARNING: $message. Install Go to run them; CI=true makes this a failure."
  else
    banner "WARNING: Go is not installed, so the language host is not built here and its Go tests were SKIPPED (this machine uses a pulumi-language-nodejs from elsewhere)."
  fi
  exit 0
fi
cd "$SCRIPT_DIR/language-host"
"$GO" test ./...
