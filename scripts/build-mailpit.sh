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

has_version() { # dir → true when the binary is there and reports our version (no online release check)
  [ -x "$1/mailpit" ] &&
    "$1/mailpit" version --no-release-check 2>/dev/null | grep -q " v$MAILPIT_VERSION "
}

TOOL="Mailpit $MAILPIT_VERSION"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
tool_begin "$force"
say "building Mailpit $MAILPIT_VERSION (a cold build downloads its modules and takes a few minutes on 2 cores)"
# `go install module@version` builds outside any local module, with the versions Mailpit's go.mod pins;
# pure Go (modernc SQLite), so no C toolchain. The version is stamped the way Mailpit's releases do it.
go_install_tool "$out" "-s -w -X github.com/axllent/mailpit/config.Version=v$MAILPIT_VERSION" \
  "github.com/axllent/mailpit@v$MAILPIT_VERSION"
tool_end
