#!/usr/bin/env bash
# Builds kustomize (sigs.k8s.io/kustomize), which renders deploy/k8s/overlays/{dev,prod} the way
# `kubectl apply -k` does: the unit tests build both overlays and validate what comes out. No package
# manager here ships it, so it builds from the Go module proxy like the Dapr runtime does.
# Skips the build when a binary of the right version exists (KUSTOMIZE_BIN_DIR or .dapr/bin); Go's
# module and build caches make a rebuild fast. `--force` rebuilds anyway.
#
# v5.7.1 is the newest that builds with Go 1.26 from the proxy (v5.8.x needs a newer Go and a module
# the proxy refuses).
set -euo pipefail

KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-5.7.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${KUSTOMIZE_BIN_DIR:-$root/.dapr/bin}"
force="${1:-}"

has_version() { # dir → true when the binary is there and reports our version
  [ -x "$1/kustomize" ] && "$1/kustomize" version 2>/dev/null | grep -q "v$KUSTOMIZE_VERSION"
}

TOOL="kustomize $KUSTOMIZE_VERSION"
# shellcheck source=lib/go-tool.sh
source "$root/scripts/lib/go-tool.sh"
tool_begin "$force"
say "building kustomize $KUSTOMIZE_VERSION (a cold build downloads its modules and takes a few minutes on 2 cores)"
# `go install module@version` builds outside any local module, with the versions kustomize's go.mod
# pins; pure Go, so no C toolchain. The module version lands in the binary's build info, which
# `kustomize version` reports.
go_install_tool "$out" "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION"
tool_end
