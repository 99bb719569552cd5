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

has_version() { # dir → true when the binary is there and reports our version
  [ -x "$1/kubeconform" ] && "$1/kubeconform" -v 2>/dev/null | grep -q "$KUBECONFORM_VERSION"
}

TOOL="kubeconform $KUBECONFORM_VERSION"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
tool_begin "$force"
say "building kubeconform $KUBECONFORM_VERSION (a cold build downloads its modules: a minute or two on 2 cores)"
# Its releases stamp the version with -X main.version; `go install module@version` does not, so the
# same flag here (otherwise `kubeconform -v` prints "development").
go_install_tool "$out" "-s -w -X main.version=v$KUBECONFORM_VERSION" \
  "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION"
tool_end
