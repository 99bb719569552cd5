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

has_version() { # dir → true when the binary (and its fixtures) are there and it reports our version
  [ -x "$1/stripe-mock" ] && [ -f "$1/stripe-mock-fixtures.json" ] &&
    [ "$("$1/stripe-mock" -version 2>&1 | head -n1)" = "stripe-mock $STRIPE_MOCK_VERSION" ]
}

TOOL="stripe-mock $STRIPE_MOCK_VERSION"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
tool_begin "$force"
say "building stripe-mock $STRIPE_MOCK_VERSION (a cold build downloads its modules first)"
# `go install module@version` builds outside any local module, with the versions its go.mod pins;
# pure Go, the OpenAPI spec and fixtures embedded. The version is stamped the way its releases do it.
go_install_tool "$out" "-s -w -X main.version=$STRIPE_MOCK_VERSION" "github.com/stripe/stripe-mock@v$STRIPE_MOCK_VERSION"
# Its responses are fixtures (a PaymentIntent always `requires_payment_method`): tests start it with a
# copy whose PaymentIntent is authorized (`-fixtures`), so they need the embedded file beside the binary.
src="$(cd /tmp && go env GOMODCACHE)/github.com/stripe/stripe-mock@v$STRIPE_MOCK_VERSION/embedded/openapi/fixtures3.json"
[ -f "$src" ] && install -m 0644 "$src" "$out/stripe-mock-fixtures.json"
tool_end
