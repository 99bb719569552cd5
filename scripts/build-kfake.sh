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

say() { printf '[kfake-build] %s\n' "$*" >&2; }

# The stamp is a hash of the module's sources: a changed pin or main.go rebuilds.
stamp=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
has_version() { # dir → true when the binary is there and was built from these sources
  [ -x "$1/kfake" ] && [ "$(cat "$1/.kfake-version" 2>/dev/null)" = "$stamp" ]
}

if [ "$force" != "--force" ] && has_version "$out"; then
  say "kfake ($stamp) present in $out"
  exit 0
fi

command -v go >/dev/null || { say "Go is needed to build kfake (https://go.dev/dl)"; exit 1; }
export CGO_ENABLED=0
start=$(date +%s)
# A heartbeat so a long cold build never looks hung.
( while sleep 15; do say "still building... $(( $(date +%s) - start ))s"; done ) &
beat=$!
trap 'kill $beat 2>/dev/null || true' EXIT

mkdir -p "$out"
say "building kfake (a cold build downloads franz-go and takes 1-5 minutes on 2 busy cores: ~75 s of CPU)"
# -mod=readonly: the versions are exactly those go.mod/go.sum pin (franz-go v1.22.3, kmsg v1.15.1).
(cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/kfake" . 2>&1 |
  sed 's/^/[go] /' >&2) || true
[ -x "$out/kfake" ] || { say "build of kfake failed"; exit 1; }
printf '%s\n' "$stamp" > "$out/.kfake-version"
say "kfake built into $out in $(( $(date +%s) - start ))s"
