#!/bin/bash
# repro-verify.sh - does an emitted reproducer reproduce, in fresh VMs?
#
#   harness/repro-verify.sh K SECONDS PROGRAM.c [VM OPTIONS]
#
# Builds PROGRAM.c with plain gcc (as its comment says a user would) and
# statically (the guest has no libc), then boots K fresh VMs with the VM
# OPTIONS (the kernel, --overlay-ko, ...), each running the program for
# SECONDS under `undertow watch` (vm.sh --exec).  A run reproduces when the
# watch reports the finding class the program's comment names ("Finding
# (crash): ...").  The tally is appended to PROGRAM.txt and printed as KTAP,
# with the kernel's reports of that class counted (the watch's findings
# from kernel records): how often the program hits, not only whether.
# None of K: the program is renamed PROGRAM.c.unverified and the exit is 1;
# it is never left behind as a reproducer.  Exit 2: it does not build.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "repro-verify.sh: $*" >&2; exit 2; }

k=${1:?K}
secs=${2:?SECONDS}
src=${3:?PROGRAM.c}
shift 3
[ -f "$src" ] || die "$src: no such file"
case $k in '' | *[!0-9]*) die "K: a number, not '$k'" ;; esac
want=$(sed -n 's/^ \* Finding (\([a-z]*\)).*/\1/p' "$src" | head -n 1)
[ -n "$want" ] || die "$src: no 'Finding (KIND)' line"
WANT=$(echo "$want" | tr '[:lower:]' '[:upper:]')
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
gcc -O2 -Wall -o "$w/plain" "$src" 2> "$w/cc.log" || { cat "$w/cc.log" >&2; die "$src does not build with gcc"; }
gcc -O2 -static -o "$w/repro" "$src" 2>> "$w/cc.log" || die "$src does not build statically"

hits=0
reports=0
for i in $(seq 1 "$k"); do
	"$top/harness/vm.sh" "$@" --exec "$w/repro" --exec-time "$secs" > "$w/vm.$i" 2>&1
	# The watch's KTAP: "# PROG: crash: kernel: RECORD" per kernel record of that class.
	n=$(grep -c "^# [^ ]*: $want: kernel: " "$w/vm.$i")
	reports=$((reports + n))
	if grep -q "^not ok 1 .*# $WANT" "$w/vm.$i"; then
		hits=$((hits + 1))
		echo "# verify: VM $i: reproduced ($n kernel reports): $(grep -m1 "^not ok 1" "$w/vm.$i" | sed 's/.*# //')"
	else
		echo "# verify: VM $i: not reproduced: $(grep -m1 "ok 1" "$w/vm.$i" || tail -n 1 "$w/vm.$i")"
	fi
done
txt=${src%.c}.txt
echo " * Verified: reproduced ($want) in $hits of $k fresh VMs, $secs s each, $reports kernel reports in all." >> "$txt"
echo "# verify: $reports kernel reports ($want) in $k VMs of $secs s"
if [ "$hits" -eq 0 ]; then
	mv "$src" "$src.unverified"
	echo "not ok 1 verify $(basename "$src") # reproduced in 0 of $k fresh VMs"
	exit 1
fi
echo "ok 1 verify $(basename "$src") # reproduced in $hits of $k fresh VMs"
