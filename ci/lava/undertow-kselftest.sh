#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# undertow-kselftest.sh - the work of the LAVA test definition undertow.yaml:
# install undertow as the kselftest collection filesystems/undertow, run
# it, and turn its KTAP into OUTPUT/result.txt, one "NAME RESULT" line per
# test case (Linaro test-definitions' format; send-to-lava.sh reports it):
#
#   <variant> pass|fail|skip     each "ok"/"not ok" line of undertow's KTAP
#   undertow.sh pass|fail|skip   the collection's kselftest result
#   undertow-install fail        when the collection could not be installed
#
#   undertow-kselftest.sh [-s SKIP_INSTALL] [-k KSFT_PATH] [-a UNDERTOW_ARGS]
#                         [-r UNDERTOW_RESULTS] [-o OUTPUT]
#
# With KSFT_PATH/run_kselftest.sh (a kernel's kselftest install tree) the
# collection runs through the kernel's runner, which prefixes undertow's
# KTAP with "# "; otherwise undertow.sh runs by itself.  OUTPUT also gets
# ktap.log (what ran printed) and, without the runner, stderr.log.
# Exit: 0 when result.txt was written (the verdicts are in it), 2 usage.
set -u

skip_install=false
ksft=/opt/kselftest
args=
results=/tmp/undertow-results
out=./output
coll=filesystems/undertow
top=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
	echo "usage: $0 [-s true|false] [-k KSFT_PATH] [-a UNDERTOW_ARGS] [-r RESULTS] [-o OUTPUT]" >&2
	exit 2
}

while getopts "s:k:a:r:o:h" opt; do
	case $opt in
	s) skip_install=$OPTARG ;;
	k) ksft=$OPTARG ;;
	a) args=$OPTARG ;;
	r) results=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
case $skip_install in true | false) ;; *) usage ;; esac
[ -n "$ksft" ] && [ -n "$out" ] || usage

# The collection from this source tree into the kselftest tree; the tree's
# kselftest-list.txt (what its runner runs) names it once.
install_collection() {
	"$top/harness/deps.sh" || return 1
	make -s -C "$top" install INSTALL_PATH="$ksft/$coll" || return 1
	list=$ksft/kselftest-list.txt
	if [ -f "$list" ] && ! grep -qx "$coll:undertow.sh" "$list"; then
		make -s -C "$top" emit_tests >> "$list" || return 1
	fi
}

# KTAP result lines into "NAME RESULT".  Lines starting with $1 are
# undertow's own (that prefix removed); with a prefix, the runner's
# unprefixed line for undertow.sh gives the collection's result.
ktap_results() {
	awk -v prefix="$1" '
	function verdict(line) {
		if (line ~ /^not ok /)
			return "fail"
		return line ~ /^ok [0-9]+ [^#]* # [Ss][Kk][Ii][Pp]/ ? "skip" : "pass"
	}
	{
		line = $0
		if (prefix != "" && substr(line, 1, length(prefix)) != prefix) {
			if (line ~ /^(not )?ok [0-9]+ selftests: .*undertow\.sh/)
				print "undertow.sh", verdict(line)
			next
		}
		line = substr(line, length(prefix) + 1)
		if (line !~ /^(not )?ok [0-9]+ [^ #]/)
			next
		name = line
		sub(/^(not )?ok [0-9]+ /, "", name)
		sub(/ #.*/, "", name)
		# LAVA takes no white space in a name; variant names have none.
		gsub(/[^A-Za-z0-9._,=+@-]/, "_", name)
		print name, verdict(line)
	}'
}

# kselftest exit codes: 0 pass, 4 skip (KSFT_SKIP), anything else fail.
exit_result() {
	case $1 in
	0) echo pass ;;
	4) echo skip ;;
	*) echo fail ;;
	esac
}

mkdir -p "$out" "$results" || exit 2
: > "$out/result.txt"
if [ "$skip_install" = false ] && ! install_collection; then
	echo "undertow-install fail" >> "$out/result.txt"
	exit 0
fi
if [ ! -x "$ksft/$coll/undertow.sh" ]; then
	echo "$0: no collection at $ksft/$coll (install it, or -s false)" >&2
	echo "undertow.sh fail" >> "$out/result.txt"
	exit 0
fi
# undertow.sh reads these; through the runner too, which passes its
# environment on.
UNDERTOW_ARGS=$args UNDERTOW_RESULTS=$results
export UNDERTOW_ARGS UNDERTOW_RESULTS
if [ -x "$ksft/run_kselftest.sh" ]; then
	(cd "$ksft" && ./run_kselftest.sh -c "$coll") > "$out/ktap.log" 2>&1
	ktap_results "# " < "$out/ktap.log" >> "$out/result.txt"
	grep -q '^undertow\.sh ' "$out/result.txt" || echo "undertow.sh fail" >> "$out/result.txt"
else
	"$ksft/$coll/undertow.sh" > "$out/ktap.log" 2> "$out/stderr.log"
	rc=$?
	ktap_results "" < "$out/ktap.log" >> "$out/result.txt"
	echo "undertow.sh $(exit_result "$rc")" >> "$out/result.txt"
fi
cat "$out/ktap.log"
exit 0
