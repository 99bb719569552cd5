# Shared by scripts/build-*.sh: the tools the project builds from the Go module proxy into .dapr/bin
# (no package manager here ships them). A script sets TOOL (its name in messages), defines
# `has_version DIR` (true when DIR holds the binary of the wanted version), sources this file, calls
# `tool_begin "$@"` (exits 0 when the binary is present, unless --force) and then builds, ending with
# `tool_end`. Go's module and build caches make a rebuild fast.

tool_id="${0##*/build-}"
say() { printf '[%s-build] %s\n' "${tool_id%.sh}" "$*" >&2; }

# tool_begin [--force]: skip when present; else check Go, start the clock and a heartbeat (a cold build
# takes minutes on 2 cores and must never look hung).
tool_begin() {
  if [ "${1:-}" != "--force" ] && has_version "$out"; then
    say "$TOOL present in $out"
    exit 0
  fi
  command -v go >/dev/null || { say "Go is needed to build $TOOL (https://go.dev/dl)"; exit 1; }
  tool_started=$(date +%s)
  ( while sleep 15; do say "still building... $(( $(date +%s) - tool_started ))s"; done ) &
  tool_beat=$!
  trap 'kill $tool_beat 2>/dev/null || true' EXIT
  mkdir -p "$out"
}

# go_install_tool GOBIN LDFLAGS MODULE@VERSION: `go install m@v` outside any local module, with the
# versions the tool's own go.mod pins; pure Go (no C toolchain). Its output goes to the log prefixed.
go_install_tool() {
  (cd /tmp && CGO_ENABLED=0 GOBIN="$1" go install -trimpath -ldflags "$2" "$3" 2>&1 | sed 's/^/[go] /' >&2) || true
}

# tool_end: the build produced the wanted version, or the script fails saying so.
tool_end() {
  has_version "$out" || { say "build of $TOOL failed"; exit 1; }
  say "$TOOL built into $out in $(( $(date +%s) - tool_started ))s"
}
