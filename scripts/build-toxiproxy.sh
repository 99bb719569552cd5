#!/usr/bin/env bash
# Builds Toxiproxy (github.com/Shopify/toxiproxy), a TCP proxy whose faults (latency, cut and reset
# connections, bandwidth, a proxy switched off) are set over an HTTP API: the fault suite
# (tests/faults) puts it between the sidecars and Redis / MariaDB / RabbitMQ. No package manager here
# ships it, so it builds from the Go module proxy like Mailpit and the Dapr runtime do.
# Skips the build when a binary of the right version exists (TOXIPROXY_BIN_DIR or .dapr/bin); Go's
# module and build caches make a rebuild fast. `--force` rebuilds anyway.
set -euo pipefail

TOXIPROXY_VERSION="${TOXIPROXY_VERSION:-2.5.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${TOXIPROXY_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

has_version() { # dir → true when the binary is there and reports our version
  [ -x "$1/toxiproxy-server" ] &&
    "$1/toxiproxy-server" -version 2>/dev/null | grep -q "version $TOXIPROXY_VERSION\b"
}

TOOL="Toxiproxy $TOXIPROXY_VERSION"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
tool_begin "$force"
say "building Toxiproxy $TOXIPROXY_VERSION (a cold build downloads its modules, about a minute on 2 cores)"
# `go install module@version` builds outside any local module with the versions Toxiproxy's go.mod
# pins; pure Go. The binary is named after its package folder (`server`), so it goes to a scratch
# GOBIN and is moved to the name Toxiproxy's releases use. The version is stamped as its Makefile does.
tmp_bin="$(mktemp -d)"
go_install_tool "$tmp_bin" "-s -w -X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" \
  "github.com/Shopify/toxiproxy/v2/cmd/server@v$TOXIPROXY_VERSION"
[ -x "$tmp_bin/server" ] && mv -f "$tmp_bin/server" "$out/toxiproxy-server"
rm -rf "$tmp_bin"
tool_end
