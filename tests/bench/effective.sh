#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# effective.sh - how often each op of each scenario reaches its path.
#
#   tests/bench/effective.sh [-n SEEDS] [-t SECS] [-u UNDERTOW] [-o DIR] [SCENARIO...]
#
# Runs the scenarios (default: every non-selftest one) once per seed 1..SEEDS
# (default 10) for SECS seconds each (default 1), then prints one row per
# scenario and op: role (w worker, m mutator), calls and effective summed
# over the seeds, the summed rate, the lowest and highest rate of one run,
# and how many runs had none effective.  Rows under 2 % are marked '<2%'.
# A scenario exists to reach its paths: an op that rarely does says the
# scenario degenerated (its mutators left no target at the names its
# workers use), unless the low rate is the point (a stale dirfd's lookup).
# Needs root (undertow run) and jq.  The results stay in DIR (default: a
# new temporary directory, named on stderr).
set -euo pipefail

seeds=10 secs=1 ut=./undertow out=
while getopts n:t:u:o: opt; do
	case $opt in
	n) seeds=$OPTARG ;;
	t) secs=$OPTARG ;;
	u) ut=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-n SEEDS] [-t SECS] [-u UNDERTOW] [-o DIR] [SCENARIO...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
command -v jq >/dev/null || { echo "effective.sh: needs jq" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d -t undertow-effective.XXXXXX)
mkdir -p "$out"
echo "effective.sh: results in $out" >&2

# One run per seed; a scenario that does not pass is said, not fatal.
for ((s = 1; s <= seeds; s++)); do
	"$ut" run -t "$secs" -s "$s" --results "$out/s$s" "$@" >"$out/s$s.ktap" 2>/dev/null ||
		grep '^not ok' "$out/s$s.ktap" >&2 || true
done

# scenario role op calls effective, one line per op of each result file.
rows() {
	local f
	for f in "$out"/s*/latest/*.json; do
		[ "${f##*/}" = run.json ] && continue
		jq -r '.name as $n |
			(.ops // {} | to_entries[] | [$n, "w", .key, .value.calls, .value.effective]),
			(.mutations // {} | to_entries[] | [$n, "m", .key, .value.calls, .value.effective])
			| @tsv' "$f"
	done
}

rows | awk -F'\t' '
{
	k = $1 "\t" $2 "\t" $3
	if (!(k in calls)) { order[n++] = k; lo[k] = 101; hi[k] = -1 }
	calls[k] += $4; eff[k] += $5
	r = $4 ? 100 * $5 / $4 : 0
	if (r < lo[k]) lo[k] = r
	if (r > hi[k]) hi[k] = r
	if (!$5) zero[k]++
	runs[k]++
}
END {
	printf "%-26s %-4s %-22s %10s %10s %7s %7s %7s %5s\n", "scenario", "role", "op",
	       "calls", "effective", "rate%", "min%", "max%", "zero"
	for (i = 0; i < n; i++) {
		k = order[i]
		split(k, f, "\t")
		r = calls[k] ? 100 * eff[k] / calls[k] : 0
		printf "%-26s %-4s %-22s %10d %10d %7.2f %7.2f %7.2f %2d/%-2d%s\n", f[1], f[2],
		       f[3], calls[k], eff[k], r, lo[k], hi[k], zero[k], runs[k],
		       r < 2 ? " <2%" : ""
	}
}'
