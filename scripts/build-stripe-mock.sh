#!/usr/bin/env bash
# Builds stripe-mock (github.com/stripe/stripe-mock), Stripe's own mock of its API built from the
# OpenAPI spec: the payments service's Stripe adapter (the official SDK) is tested against it at
# the HTTP level. No package manager here ships it, so it builds from the Go module proxy like the
# Dapr runtime and Mailpit do. Skips the build when a binary of the right version exists
# (STRIPE_MOCK_BIN_DIR or .dapr/bin); Go's module and build caches make a rebuild fast. `--force`
# rebuilds anyway.
set -euo pipefail

STRIPE_MOCK_VERSION="${STRIPE_MOCK_VERSION:-0.203.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${STRIPE_MOCK_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

say() { printf '[stripe-mock-build] %s\n' "$*" >&2; }

has_version() { # dir → true when the binary (and its fixtures) are there and it reports our version
  [ -x "$1/stripe-mock" ] && [ -f "$1/stripe-mock-fixtures.json" ] &&
    [ "$("$1/stripe-mock" -version 2>&1 | head -n1)" = "stripe-mock $STRIPE_MOCK_VERSION" ]
}

if [ "$force" != "--force" ] && has_version "$out"; then
  say "stripe-mock $STRIPE_MOCK_VERSION present in $out"
  exit 0
fi

command -v go >/dev/null || { say "Go is needed to build stripe-mock (https://go.dev/dl)"; exit 1; }
start=$(date +%s)
# A heartbeat so a long cold build never looks hung.
( while sleep 15; do say "still building... $(( $(date +%s) - start ))s"; done ) &
beat=$!
trap 'kill $beat 2>/dev/null || true' EXIT

mkdir -p "$out"
say "building stripe-mock $STRIPE_MOCK_VERSION (a cold build downloads its modules first)"
# `go install module@version` builds outside any local module, with the versions its go.mod pins;
# pure Go, the OpenAPI spec and fixtures embedded. The version is stamped the way its releases do it.
(cd /tmp && CGO_ENABLED=0 GOBIN="$out" go install -trimpath \
  -ldflags "-s -w -X main.version=$STRIPE_MOCK_VERSION" \
  "github.com/stripe/stripe-mock@v$STRIPE_MOCK_VERSION" 2>&1 | sed 's/^/[go] /' >&2) || true
# Its responses are fixtures (a PaymentIntent always `requires_payment_method`): tests start it with a
# copy whose PaymentIntent is authorized (`-fixtures`), so they need the embedded file beside the binary.
src="$(cd /tmp && go env GOMODCACHE)/github.com/stripe/stripe-mock@v$STRIPE_MOCK_VERSION/embedded/openapi/fixtures3.json"
[ -f "$src" ] && install -m 0644 "$src" "$out/stripe-mock-fixtures.json"
has_version "$out" || { say "build of stripe-mock failed"; exit 1; }
say "stripe-mock $STRIPE_MOCK_VERSION built into $out in $(( $(date +%s) - start ))s"
