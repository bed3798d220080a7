#!/bin/bash
# run.sh - build undertow if needed and run it in a private mount namespace.
#
#   ./run.sh [RUN OPTIONS] [SCENARIO|TAG ...]   same as: undertow run ...
#   ./run.sh list | replay FILE.json | repro FILE.json   other undertow commands
#   ./run.sh --vm [VM OPTIONS] [RUN OPTIONS] [SCENARIO ...]   in a VM (harness/vm.sh)
#   ./run.sh --vm [VM OPTIONS] --exec FILE [--exec-time S]    FILE under undertow watch there
#
# Mounts made by the run live and die with the namespace: nothing stays
# mounted in the caller's namespace, even if the run is killed.
# Exit codes: 0 pass, 1 a scenario did not pass, 2 usage error or missing
# dependency, 4 everything skipped.  Without root it runs in a user
# namespace (unshare --user --map-root-user).
set -u

top=$(cd "$(dirname "$0")" && pwd)

# Without root: a user namespace of our own, where overlay mounts with
# userxattr on tmpfs; what needs real root skips with its reason.
userns=()
if [ "$(id -u)" -ne 0 ]; then
	userns=(--user --map-root-user)
fi
"$top/harness/deps.sh" || exit 2
# Build output goes to stderr: stdout carries KTAP only.
if ! make -s -C "$top" all >&2; then
	echo "run.sh: build failed" >&2
	exit 2
fi

cmd=run
case "${1:-}" in
list | replay | repro | help | diff | report) cmd=$1; shift ;;
--vm) shift; exec "$top/harness/vm.sh" "$@" ;;
esac

exec unshare "${userns[@]}" --mount --propagation private "$top/undertow" "$cmd" "$@"
