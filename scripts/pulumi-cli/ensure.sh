#!/usr/bin/env bash
# ensure.sh - make the Pulumi CLI and its Node.js language host available, without internet.
#
# Usage:  BIN=$(scripts/pulumi-cli/ensure.sh)  &&  export PATH="$BIN:<dir of node >= 22>:$PATH"
#
# Prints progress on stderr and, as the only (so last) line on stdout, a directory holding
#   pulumi                          the CLI/engine
#   pulumi-language-nodejs          the Node.js language host
#   pulumi-resource-pulumi-nodejs   the plugin behind pulumi.dynamic.Resource providers
# Callers put that directory on PATH, plus a `node` the project supports (here:
# node_modules/.bin from the npm package `node`; /usr/bin/node v20 is too old for @pulumi/pulumi).
# Do NOT also put node_modules/@pulumi/pulumi on PATH: the engine then warns
# "using pulumi-resource-pulumi-nodejs from $PATH ...".
#
# Where the binaries come from, in this order:
#   1. a `pulumi` >= 3.270 already on PATH with pulumi-language-nodejs and
#      pulumi-resource-pulumi-nodejs next to it (skip with PULUMI_MTLS_SKIP_PATH=1);
#   2. the cache: ${PULUMI_MTLS_CACHE:-$HOME/.cache/pulumi-cloudflare-mtls}/pulumi-v<version>/bin
#      from an earlier run (seconds);
#   3. the official installer (https://get.pulumi.com), tried with short timeouts
#      (skip with PULUMI_MTLS_SKIP_INSTALLER=1);
#   4. a build from the Go module proxy: the CLI from github.com/pulumi/pulumi/pkg/v3 pinned by
#      cli/go.mod + cli/go.sum, and our own minimal language host in language-host/ (the
#      upstream one is a separate, untagged Go module our proxy does not serve).
#      First build: ~10 minutes on 2 cores; later builds reuse the Go caches.
#
# Environment:
#   PULUMI_CLI_VERSION      CLI version (default: the version pinned in cli/go.mod, 3.276.0; it should
#                           be >= the @pulumi/pulumi npm version the project uses). Other versions are
#                           resolved from the proxy at build time (e.g. 3.274.1).
#   PULUMI_MTLS_CACHE       cache root (default $HOME/.cache/pulumi-cloudflare-mtls)
#   PULUMI_MTLS_SKIP_PATH=1, PULUMI_MTLS_SKIP_INSTALLER=1   skip those sources
#   PULUMI_MTLS_FORCE_REBUILD=1   ignore the cache stamps and rebuild (Go caches still apply)
set -euo pipefail

# Only the final result goes to the real stdout; everything else (ours and the tools') to stderr.
exec 3>&1 1>&2

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PINNED_VERSION=3.276.0 # keep in sync with cli/go.mod
MIN_VERSION=3.270.0
VERSION=${PULUMI_CLI_VERSION:-$PINNED_VERSION}
VERSION=${VERSION#v}
CACHE_ROOT=${PULUMI_MTLS_CACHE:-${HOME:?HOME is not set}/.cache/pulumi-cloudflare-mtls}
DEST=$CACHE_ROOT/pulumi-v$VERSION
BIN=$DEST/bin
START=$SECONDS

log() { printf '[ensure-pulumi %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}
elapsed() {
    local s=$((SECONDS - ${1:-$START}))
    printf '%dm%02ds' $((s / 60)) $((s % 60))
}
finish() {
    log "ready in $(elapsed): $1"
    log "put it first on PATH, with a node >= 22, e.g.: export PATH=\"$1:<repo>/node_modules/.bin:\$PATH\""
    printf '%s\n' "$1" >&3
    exit 0
}
version_ge() { # version_ge A B: A >= B
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}
hash_files() { # stable short hash of the given files' contents and names
    (cd "$SCRIPT_DIR" && sha256sum "$@") | sha256sum | cut -c1-16
}

BG_PID=
cleanup() {
    if [ -n "$BG_PID" ]; then kill "$BG_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# 1. A usable pulumi already on PATH.
# ---------------------------------------------------------------------------------------------
try_path() {
    local p dir v
    p=$(command -v pulumi 2>/dev/null) || {
        log "no pulumi on PATH"
        return 1
    }
    p=$(readlink -f "$p")
    dir=$(dirname "$p")
    case "$dir/" in
    "$(readlink -m "$CACHE_ROOT")"/*) return 1 ;; # our own cache: validated below
    esac
    v=$(PULUMI_SKIP_UPDATE_CHECK=true "$p" version 2>/dev/null | head -n 1) || v=
    v=${v#v}
    if [ -z "$v" ] || ! version_ge "${v%%-*}" "$MIN_VERSION"; then
        log "ignoring pulumi on PATH ($p, version '${v:-?}'): need >= $MIN_VERSION"
        return 1
    fi
    local missing=
    for f in pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
        [ -x "$dir/$f" ] || missing="$missing $f"
    done
    if [ -n "$missing" ]; then
        log "ignoring pulumi v$v on PATH ($p): missing next to it:$missing"
        return 1
    fi
    log "using pulumi v$v already on PATH ($p)"
    finish "$dir"
}

if [ "${PULUMI_MTLS_SKIP_PATH:-}" != 1 ]; then
    try_path || true
else
    log "PULUMI_MTLS_SKIP_PATH=1: not looking for pulumi on PATH"
fi

# ---------------------------------------------------------------------------------------------
# 2. The cache (under a lock, so parallel callers wait for one build instead of racing).
# ---------------------------------------------------------------------------------------------
mkdir -p "$DEST"
exec 9>"$DEST/.lock"
if ! flock -n 9; then
    log "another ensure.sh is preparing $DEST; waiting for it..."
    flock 9
fi

LH_FILES=(language-host/go.mod language-host/go.sum)
for f in "$SCRIPT_DIR"/language-host/*.go; do LH_FILES+=("language-host/${f##*/}"); done
LANGHOST_STAMP="langhost $(hash_files "${LH_FILES[@]}") v$VERSION"
SHIM_STAMP="shim $(hash_files pulumi-resource-pulumi-nodejs)"
if [ "$VERSION" = "$PINNED_VERSION" ]; then
    CLI_STAMP="cli v$VERSION pinned $(hash_files cli/go.mod cli/go.sum)"
else
    CLI_STAMP="cli v$VERSION resolved"
fi

stamp_ok() { # stamp_ok NAME EXPECTED
    [ "${PULUMI_MTLS_FORCE_REBUILD:-}" != 1 ] && [ -f "$DEST/.stamp-$1" ] && [ "$(cat "$DEST/.stamp-$1")" = "$2" ]
}
binaries_present() {
    [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-nodejs" ] && [ -x "$BIN/pulumi-resource-pulumi-nodejs" ]
}
cli_works() {
    local v
    v=$(PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" version 2>/dev/null | head -n 1) && [ "${v#v}" = "$VERSION" ]
}

if binaries_present && [ "${PULUMI_MTLS_FORCE_REBUILD:-}" != 1 ] && [ "$(cat "$DEST/.stamp-official" 2>/dev/null)" = "official v$VERSION" ]; then
    cli_works && finish "$BIN"
fi
if binaries_present && stamp_ok cli "$CLI_STAMP" && stamp_ok langhost "$LANGHOST_STAMP" && stamp_ok shim "$SHIM_STAMP"; then
    cli_works && finish "$BIN"
    log "cached $BIN/pulumi does not report v$VERSION; rebuilding"
    rm -f "$DEST/.stamp-cli"
fi

# ---------------------------------------------------------------------------------------------
# 3. The official installer (downloads the release tarball; fails fast when offline).
# ---------------------------------------------------------------------------------------------
try_installer() {
    local tmp err
    if ! command -v curl >/dev/null 2>&1; then
        log "official installer: curl not available; skipping"
        return 1
    fi
    tmp=$(mktemp -d)
    log "official installer: fetching https://get.pulumi.com (timeout 20s)..."
    if ! err=$(curl -fsSL --connect-timeout 5 --max-time 20 -o "$tmp/install.sh" https://get.pulumi.com 2>&1); then
        log "official installer unavailable (${err:-curl failed}); building from the Go module proxy instead"
        rm -rf "$tmp"
        return 1
    fi
    log "official installer: installing v$VERSION into $DEST (timeout 5 min)..."
    if ! timeout 300 sh "$tmp/install.sh" --version "$VERSION" --install-root "$DEST" --no-edit-path >&2; then
        log "official installer failed; building from the Go module proxy instead"
        rm -rf "$tmp"
        return 1
    fi
    rm -rf "$tmp"
    if ! binaries_present || ! cli_works; then
        log "official installer did not leave pulumi v$VERSION with its Node.js plugins in $BIN; building instead"
        return 1
    fi
    rm -f "$DEST"/.stamp-cli "$DEST"/.stamp-langhost "$DEST"/.stamp-shim
    echo "official v$VERSION" >"$DEST/.stamp-official"
    finish "$BIN"
}

if [ "${PULUMI_MTLS_SKIP_INSTALLER:-}" != 1 ]; then
    try_installer || true
else
    log "PULUMI_MTLS_SKIP_INSTALLER=1: not trying the official installer"
fi
rm -f "$DEST/.stamp-official"

# ---------------------------------------------------------------------------------------------
# 4. Build from the Go module proxy.
# ---------------------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 || die "cannot get the Pulumi CLI: no pulumi >= $MIN_VERSION on PATH, the official \
installer is unavailable, and Go is not installed to build it from the module proxy. Install one of them \
(or put pulumi + pulumi-language-nodejs + pulumi-resource-pulumi-nodejs on PATH) and retry."
log "building from the Go module proxy with $(go version | cut -d' ' -f3) (GOPROXY=$(go env GOPROXY))"
mkdir -p "$BIN"

# run_logged LABEL LOGFILE DIR CMD...: run CMD in DIR in the background, its output in LOGFILE,
# with a progress line on stderr every 20 seconds. EXPECTED_PACKAGES (if set) is shown as the total.
EXPECTED_PACKAGES=
run_logged() {
    local label=$1 logf=$2 dir=$3 t0=$SECONDS n=0 rc=0
    shift 3
    (cd "$dir" && exec "$@") >"$logf" 2>&1 &
    BG_PID=$!
    while kill -0 "$BG_PID" 2>/dev/null; do
        sleep 1
        n=$((n + 1))
        if [ $((n % 20)) -eq 0 ]; then
            local dl pk last
            dl=$(grep -c '^go: downloading' "$logf" 2>/dev/null) || dl=0
            pk=$(grep -vc '^go: ' "$logf" 2>/dev/null) || pk=0
            last=$(grep -v '^go: ' "$logf" 2>/dev/null | tail -n 1 | cut -c1-70) || last=
            log "$label: $(elapsed "$t0") elapsed, $dl modules downloaded, $pk${EXPECTED_PACKAGES:+/~$EXPECTED_PACKAGES} packages compiled${last:+ (last: $last)}"
        fi
    done
    wait "$BG_PID" || rc=$?
    BG_PID=
    if [ "$rc" -ne 0 ]; then
        log "$label failed (exit $rc); last lines of $logf:"
        tail -n 25 "$logf" | sed 's/^/    /' >&2
        return "$rc"
    fi
    log "$label: done in $(elapsed "$t0")"
}

# go.mod of a wrapper module for a CLI version other than the pinned one: require pkg/v3 and sdk/v3
# at that version and copy pkg/v3's non-local replace directives (e.g. the clipboard fork).
prepare_unpinned_cli_module() {
    local src=$1 gomod
    log "resolving github.com/pulumi/pulumi/pkg/v3@v$VERSION from the module proxy..."
    gomod=$(GOFLAGS=-mod=mod go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$VERSION" |
        sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p') || true
    [ -n "$gomod" ] && [ -f "$gomod" ] ||
        die "the Go module proxy does not serve github.com/pulumi/pulumi/pkg/v3@v$VERSION (try PULUMI_CLI_VERSION=$PINNED_VERSION)"
    rm -rf "$src"
    mkdir -p "$src"
    cp "$SCRIPT_DIR/cli/tools.go" "$src/"
    {
        echo "module pulumi-cloudflare-mtls/pulumi-cli-build"
        echo
        echo "go $(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/')"
        echo
        echo "require ("
        echo "	github.com/pulumi/pulumi/pkg/v3 v$VERSION"
        echo "	github.com/pulumi/pulumi/sdk/v3 v$VERSION"
        echo ")"
        echo
        awk '/^replace[ \t]*\(/ {blk=1; next} blk && /^\)/ {blk=0; next}
             blk {print "replace " $0; next} /^replace / {print}' "$gomod" |
            grep -v '=>[[:space:]]*[./]' || true
    } >"$src/go.mod"
    run_logged "go mod tidy (pulumi v$VERSION)" "$DEST/tidy-cli.log" "$src" env GOFLAGS=-mod=mod go mod tidy -e ||
        die "could not resolve the dependencies of pulumi v$VERSION from the module proxy (see $DEST/tidy-cli.log)"
}

if ! { stamp_ok cli "$CLI_STAMP" && [ -x "$BIN/pulumi" ] && cli_works; }; then
    if [ "$VERSION" = "$PINNED_VERSION" ]; then
        CLI_SRC=$SCRIPT_DIR/cli
        EXPECTED_PACKAGES=1735 # go list -deps github.com/pulumi/pulumi/pkg/v3/cmd/pulumi | wc -l (incl. std)
    else
        CLI_SRC=$DEST/src/cli
        prepare_unpinned_cli_module "$CLI_SRC"
    fi
    log "building pulumi CLI v$VERSION (first build ~10 min on 2 cores; progress every 20s; log: $DEST/build-cli.log)"
    run_logged "pulumi CLI build" "$DEST/build-cli.log" "$CLI_SRC" \
        env CGO_ENABLED=0 go build -v -buildvcs=false -o "$BIN/.pulumi.new" \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ||
        die "could not build the Pulumi CLI v$VERSION from the Go module proxy (see $DEST/build-cli.log). \
Alternatives: put pulumi >= $MIN_VERSION with its Node.js plugins on PATH, or try PULUMI_CLI_VERSION=3.274.1."
    mv -f "$BIN/.pulumi.new" "$BIN/pulumi"
    cli_works || die "the freshly built $BIN/pulumi does not report version v$VERSION"
    echo "$CLI_STAMP" >"$DEST/.stamp-cli"
else
    log "pulumi CLI v$VERSION: up to date in $BIN"
fi

if ! { stamp_ok langhost "$LANGHOST_STAMP" && [ -x "$BIN/pulumi-language-nodejs" ]; }; then
    log "building pulumi-language-nodejs (our minimal host, $SCRIPT_DIR/language-host)"
    EXPECTED_PACKAGES=
    run_logged "language host build" "$DEST/build-language-host.log" "$SCRIPT_DIR/language-host" \
        env CGO_ENABLED=0 go build -v -buildvcs=false -o "$BIN/.pulumi-language-nodejs.new" \
        -ldflags "-s -w -X main.version=$VERSION" . ||
        die "could not build the Node.js language host (see $DEST/build-language-host.log)"
    mv -f "$BIN/.pulumi-language-nodejs.new" "$BIN/pulumi-language-nodejs"
    echo "$LANGHOST_STAMP" >"$DEST/.stamp-langhost"
else
    log "pulumi-language-nodejs: up to date in $BIN"
fi

if ! { stamp_ok shim "$SHIM_STAMP" && [ -x "$BIN/pulumi-resource-pulumi-nodejs" ]; }; then
    install -m 0755 "$SCRIPT_DIR/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-resource-pulumi-nodejs"
    echo "$SHIM_STAMP" >"$DEST/.stamp-shim"
    log "installed pulumi-resource-pulumi-nodejs"
fi

binaries_present || die "internal error: $BIN is incomplete after the build"
finish "$BIN"
