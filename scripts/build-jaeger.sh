#!/usr/bin/env bash
# Builds Jaeger all-in-one (github.com/jaegertracing/jaeger/cmd/jaeger, v1.x: OTLP in on :4317/:4318,
# in-memory storage, query API on :16686) from the Go module proxy, like the Dapr runtime: no package
# manager here ships it. `npm start` runs it (TRACING=off leaves it out) and the tracing test reads
# traces back from its query API.
# Skips the build when a binary of the right version exists (JAEGER_BIN_DIR or .dapr/bin); Go's module
# and build caches make a rebuild fast. `--force` rebuilds anyway.
#
# `go install module@version` refuses this module (its go.mod has replace directives), so the module's
# source is downloaded and built as the main module, with its own go.mod. The UI's static files are not
# in the module: the binary serves the query API (/api/traces, /api/services), not the browser UI.
set -euo pipefail

JAEGER_VERSION="${JAEGER_VERSION:-1.76.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${JAEGER_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

has_version() { # dir → true when the binary is there and was built from our version
  [ -x "$1/jaeger" ] && [ "$(cat "$1/.jaeger-version" 2>/dev/null)" = "$JAEGER_VERSION" ]
}

TOOL="Jaeger $JAEGER_VERSION"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
if [ "${TRACING:-}" = "off" ] && [ "$force" != "--force" ]; then
  say "TRACING=off: not building Jaeger"
  exit 0
fi
tool_begin "$force"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
say "building Jaeger $JAEGER_VERSION (a cold build downloads its modules and takes 3-5 minutes on 2 cores)"
src=$(cd /tmp && GOFLAGS= go mod download -json "github.com/jaegertracing/jaeger@v$JAEGER_VERSION" |
  sed -n 's/.*"Dir": "\(.*\)",/\1/p')
[ -n "$src" ] || { say "go mod download failed"; exit 1; }
# The module cache is read-only; building in it writes nothing there (-o points outside).
(cd "$src" && go build -trimpath -ldflags "-s -w" -o "$out/jaeger" ./cmd/jaeger 2>&1 | sed 's/^/[go] /' >&2) || true
[ -x "$out/jaeger" ] && printf '%s\n' "$JAEGER_VERSION" > "$out/.jaeger-version"
tool_end
