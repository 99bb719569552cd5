#!/usr/bin/env bash
# Builds kfake (tools/kfake: franz-go's in-memory Kafka-protocol broker behind a tiny main) into
# .dapr/bin/kfake. The Kafka pub/sub profile (DAPR_PROFILE=pubsub-kafka) runs daprd's pubsub.kafka
# against it: a Kafka broker with no JVM, started per test stack by packages/devstack.
# Skips the build when the binary was built from the current tools/kfake sources (KFAKE_BIN_DIR or
# .dapr/bin); Go's module and build caches make a rebuild fast. `--force` rebuilds anyway.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/tools/kfake"
out="${KFAKE_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

# The stamp is a hash of the module's sources: a changed pin or main.go rebuilds.
stamp=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
has_version() { # dir → true when the binary is there and was built from these sources
  [ -x "$1/kfake" ] && [ "$(cat "$1/.kfake-version" 2>/dev/null)" = "$stamp" ]
}

TOOL="kfake ($stamp)"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
tool_begin "$force"
export CGO_ENABLED=0
say "building kfake (a cold build downloads franz-go and takes 1-5 minutes on 2 busy cores: ~75 s of CPU)"
# -mod=readonly: the versions are exactly those go.mod/go.sum pin (franz-go v1.22.3, kmsg v1.15.1).
(cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/kfake" . 2>&1 |
  sed 's/^/[go] /' >&2) || true
[ -x "$out/kfake" ] && printf '%s\n' "$stamp" > "$out/.kfake-version"
tool_end
