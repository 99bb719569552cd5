#!/usr/bin/env bash
# Builds kubeconform (github.com/yannh/kubeconform), a Kubernetes manifest validator: the unit tests
# run it on what kustomize renders from deploy/k8s/overlays/{dev,prod}, strict (an unknown field is an
# error), against JSON schemas generated offline from a Kubernetes OpenAPI document (never downloaded:
# tests/unit/deploy-kubeconform.test.ts). No package manager here ships it, so it builds from the Go
# module proxy like the Dapr runtime does. Skips the build when a binary of the right version exists
# (KUBECONFORM_BIN_DIR or .dapr/bin). `--force` rebuilds anyway.
set -euo pipefail

KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-0.8.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${KUBECONFORM_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

say() { printf '[kubeconform-build] %s\n' "$*" >&2; }

has_version() { # dir → true when the binary is there and reports our version
  [ -x "$1/kubeconform" ] && "$1/kubeconform" -v 2>/dev/null | grep -q "$KUBECONFORM_VERSION"
}

if [ "$force" != "--force" ] && has_version "$out"; then
  say "kubeconform $KUBECONFORM_VERSION present in $out"
  exit 0
fi

command -v go >/dev/null || { say "Go is needed to build kubeconform (https://go.dev/dl)"; exit 1; }
start=$(date +%s)
# A heartbeat so a long cold build never looks hung.
( while sleep 15; do say "still building... $(( $(date +%s) - start ))s"; done ) &
beat=$!
trap 'kill $beat 2>/dev/null || true' EXIT

mkdir -p "$out"
say "building kubeconform $KUBECONFORM_VERSION (a cold build downloads its modules: a minute or two on 2 cores)"
# Its releases stamp the version with -X main.version; `go install module@version` does not, so the
# same flag here (otherwise `kubeconform -v` prints "development").
(cd /tmp && CGO_ENABLED=0 GOBIN="$out" go install -trimpath -ldflags "-s -w -X main.version=v$KUBECONFORM_VERSION" \
  "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" 2>&1 | sed 's/^/[go] /' >&2) || true
has_version "$out" || { say "build of kubeconform failed"; exit 1; }
say "kubeconform $KUBECONFORM_VERSION built into $out in $(( $(date +%s) - start ))s"
