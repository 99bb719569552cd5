#!/usr/bin/env bash
# Builds Mailpit (github.com/axllent/mailpit), a real SMTP server with an HTTP API: the notifications
# service's email goes to it through Dapr's smtp binding, and tests read it back from its API. No
# package manager here ships it, so it builds from the Go module proxy like the Dapr runtime does.
# Skips the build when a binary of the right version exists (MAILPIT_BIN_DIR or .dapr/bin); Go's
# module and build caches make a rebuild fast. `--force` rebuilds anyway.
#
# The module source carries no web UI bundle (Mailpit builds it with npm before its releases), so the
# binary serves the SMTP server and the HTTP API (/api/v1/...), not the browser UI.
set -euo pipefail

MAILPIT_VERSION="${MAILPIT_VERSION:-1.33.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${MAILPIT_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

say() { printf '[mailpit-build] %s\n' "$*" >&2; }

has_version() { # dir → true when the binary is there and reports our version (no online release check)
  [ -x "$1/mailpit" ] &&
    "$1/mailpit" version --no-release-check 2>/dev/null | grep -q " v$MAILPIT_VERSION "
}

if [ "$force" != "--force" ] && has_version "$out"; then
  say "Mailpit $MAILPIT_VERSION present in $out"
  exit 0
fi

command -v go >/dev/null || { say "Go is needed to build Mailpit (https://go.dev/dl)"; exit 1; }
start=$(date +%s)
# A heartbeat so a long cold build never looks hung.
( while sleep 15; do say "still building... $(( $(date +%s) - start ))s"; done ) &
beat=$!
trap 'kill $beat 2>/dev/null || true' EXIT

mkdir -p "$out"
say "building Mailpit $MAILPIT_VERSION (a cold build downloads its modules and takes a few minutes on 2 cores)"
# `go install module@version` builds outside any local module, with the versions Mailpit's go.mod pins;
# pure Go (modernc SQLite), so no C toolchain. The version is stamped the way Mailpit's releases do it.
(cd /tmp && CGO_ENABLED=0 GOBIN="$out" go install -trimpath \
  -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=v$MAILPIT_VERSION" \
  "github.com/axllent/mailpit@v$MAILPIT_VERSION" 2>&1 | sed 's/^/[go] /' >&2) || true
has_version "$out" || { say "build of Mailpit failed"; exit 1; }
say "Mailpit $MAILPIT_VERSION built into $out in $(( $(date +%s) - start ))s"
