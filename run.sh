#!/bin/bash
# run.sh - build undertow if needed and run it in a private mount namespace.
#
#   ./run.sh [RUN OPTIONS] [SCENARIO|TAG ...]   same as: undertow run ...
#   ./run.sh list | replay FILE.json             other undertow commands
#
# Mounts made by the run live and die with the namespace: nothing stays
# mounted in the caller's namespace, even if the run is killed.
# Exit codes: 0 pass, 1 a scenario did not pass, 2 usage error or missing
# dependency, 4 everything skipped (or not root).
set -u

top=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: undertow needs root to mount overlays; try: sudo $0 $*" >&2
	exit 4
fi
"$top/harness/deps.sh" || exit 2
# Build output goes to stderr: stdout carries KTAP only.
if ! make -s -C "$top" all >&2; then
	echo "run.sh: build failed" >&2
	exit 2
fi

cmd=run
case "${1:-}" in
list | replay | help) cmd=$1; shift ;;
esac

exec unshare --mount --propagation private "$top/undertow" "$cmd" "$@"
