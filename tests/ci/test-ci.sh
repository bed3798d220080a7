#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-ci.sh - the CI templates in ci/, tested as far as this machine
# allows without LAVA, GitHub or a VM:
#
#   - both parse as YAML and have the keys their engines and our jobs need
#     (tests/ci/cicheck.py);
#   - their shell (the LAVA steps with their params, every run: block of
#     the workflow, the scripts in ci/lava) passes shellcheck;
#   - LAVA: the steps run for real (install into a scratch kselftest tree,
#     a short undertow run, lava-test-case stubbed), by undertow.sh alone
#     and through a kselftest runner, and report pass, fail and skip right;
#   - GitHub Actions: the shard job runs for each shard of one kernel (with
#     ./run.sh --vm standing in as the same run on this host), the merge job
#     merges their uploaded results and reports; with one shard broken the
#     merge job still uploads the merged run and fails.
#
# UNDERTOW: the binary under test (default ./undertow).  As root (the runs
# are real).  Prints "ok N - what" / "not ok N - what"; exit 0 when all
# are ok, 1 otherwise, 4 when this machine cannot run them (not root).
set -u
unset MAKEFLAGS MFLAGS MAKELEVEL

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/ci
bin=$(realpath "${UNDERTOW:-$top/undertow}")
lava=$top/ci/lava/undertow.yaml
gha=$top/ci/github/undertow.yml
# Short runs: two scenarios, 0.2 s a variant.
scens="lower-dir-rename upper-unlink-underneath"
quick="-t 0.2 -w 2 -m 1"

ut_me=test-ci.sh
# shellcheck source=harness/lib.sh
. "$top/harness/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "test-ci.sh: the dry runs are real undertow runs: run as root" >&2
	exit 4
fi
# Debian's python3 with its yaml module: the one apt installs into.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" -c 'import yaml' 2>/dev/null || apt_install python3-yaml

tmp=$(mktemp -d /tmp/ut-ci.XXXXXX)
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/#   /' "$2"
}

# check WHAT CMD...: ok when CMD succeeds; its output shown when not.
check() {
	local what=$1
	shift
	if "$@" > "$tmp/last" 2>&1; then ok "$what"; else not_ok "$what" "$tmp/last"; fi
}

# same FILE WANT WHAT: FILE holds exactly the lines of WANT (sorted).
same() {
	if diff <(sort "$1") <(printf '%s\n' "$2" | sort) > "$tmp/last" 2>&1; then
		ok "$3"
	else
		not_ok "$3" "$tmp/last"
	fi
}

# ---- syntax and keys ----------------------------------------------------

check "LAVA definition parses, has metadata, params and steps" "$py" "$here/cicheck.py" lava "$lava"
check "workflow parses, has the shard and merge jobs it needs" "$py" "$here/cicheck.py" gha "$gha"

# ---- shellcheck ---------------------------------------------------------

mkdir -p "$tmp/gha-steps"
{ echo '#!/bin/sh'; "$py" "$here/cicheck.py" lava-script "$lava"; } > "$tmp/lava-steps.sh"
"$py" "$here/cicheck.py" gha-scripts "$gha" "$tmp/gha-steps" > /dev/null
if command -v shellcheck > /dev/null; then
	check "shellcheck: ci/lava scripts, the LAVA steps, the workflow's run: blocks" \
		shellcheck -S warning "$top"/ci/lava/*.sh "$tmp/lava-steps.sh" "$tmp"/gha-steps/*.sh
else
	ok "shellcheck: # SKIP not installed"
fi

# ---- LAVA, for real -----------------------------------------------------

mkdir -p "$tmp/bin"
cat > "$tmp/bin/lava-test-case" <<EOF
#!/bin/sh
echo "\$*" >> "$tmp/lava-calls"
EOF
chmod +x "$tmp/bin/lava-test-case"

# lava_run NAME K=V...: the definition's steps as LAVA runs them, from the
# repository's top, with lava-test-case recording into $tmp/lava-calls.
lava_run() {
	local name=$1
	shift
	: > "$tmp/lava-calls"
	{ echo '#!/bin/sh'; echo 'set -e'; "$py" "$here/cicheck.py" lava-script "$lava" \
		KSFT_PATH="$tmp/ksft-$name" UNDERTOW_RESULTS="$tmp/res-$name" \
		OUTPUT="$tmp/out-$name" "$@"; } > "$tmp/lava-$name.sh"
	(cd "$top" && PATH="$tmp/bin:$PATH" sh "$tmp/lava-$name.sh") > "$tmp/lava-$name.log" 2>&1
}

if lava_run alone UNDERTOW_ARGS="$quick $scens" &&
	[ -x "$tmp/ksft-alone/filesystems/undertow/undertow.sh" ] &&
	[ -f "$tmp/ksft-alone/filesystems/undertow/settings" ]; then
	ok "LAVA: the collection installs into KSFT_PATH/filesystems/undertow and runs"
else
	not_ok "LAVA: the collection installs into KSFT_PATH/filesystems/undertow and runs" \
		"$tmp/lava-alone.log"
fi
same "$tmp/lava-calls" "lower-dir-rename --result pass
upper-unlink-underneath --result pass
undertow.sh --result pass" "LAVA: one test case per variant, and undertow.sh"

# A kselftest tree with a runner: the project's stand-in for the kernel's
# run_kselftest.sh, which prints the same TAP with undertow's KTAP nested.
mkdir -p "$tmp/ksft-runner"
: > "$tmp/ksft-runner/kselftest-list.txt"
cat > "$tmp/ksft-runner/run_kselftest.sh" <<EOF
#!/bin/sh
[ "\$1" = -c ] || exit 2
exec "$top/tests/kselftest/run_collection.sh" "\$(dirname "\$0")" "\$2" undertow.sh
EOF
chmod +x "$tmp/ksft-runner/run_kselftest.sh"
lava_run runner UNDERTOW_ARGS="$quick lower-dir-rename selftest-signal"
same "$tmp/lava-calls" "lower-dir-rename --result pass
selftest-signal --result fail
undertow.sh --result fail" "LAVA through a kselftest runner: a crash is fail, the collection too"
lava_run runner UNDERTOW_ARGS="-t 0.2 -o undertow_no_such_option=1 lower-dir-rename"
same "$tmp/lava-calls" "lower-dir-rename@tmpfs,undertow_no_such_option=1 --result skip
undertow.sh --result skip" "LAVA: everything skipped is skip"
same "$tmp/ksft-runner/kselftest-list.txt" "filesystems/undertow:undertow.sh" \
	"LAVA: kselftest-list.txt names the collection once after two installs"
lava_run none SKIP_INSTALL=true
same "$tmp/lava-calls" "undertow.sh --result fail" "LAVA: SKIP_INSTALL=true without the collection is fail"

# ---- GitHub Actions, dry run --------------------------------------------

# The checkout: the source tree, linked, with the binary under test for
# ./undertow and ./run.sh --vm standing in as the same run on this host.
mkdir -p "$tmp/checkout"
for f in "$top"/* "$top"/.ci; do
	case ${f##*/} in build | results | undertow | run.sh) ;; *) ln -s "$f" "$tmp/checkout/" ;; esac
done
ln -s "$bin" "$tmp/checkout/undertow"
cat > "$tmp/checkout/run.sh" <<EOF
#!/bin/bash
# run.sh --vm --kernel-version V ARGS: ARGS run here.  STUB_BROKEN_SHARD=K:
# shard K's VM does not come up (exit 2, no results).
echo "\$*" >> "$tmp/run-sh-calls"
[ "\$1" = --vm ] && [ "\$2" = --kernel-version ] || exit 2
case " \$* " in *" --shard \${STUB_BROKEN_SHARD:-none}/"*) exit 2 ;; esac
shift 3
exec ./undertow run "\$@"
EOF
chmod +x "$tmp/checkout/run.sh"
# make: the binary under test is linked in already.
printf '#!/bin/sh\necho "make $*" >&2\n' > "$tmp/bin/make"
chmod +x "$tmp/bin/make"

kernel=$("$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["jobs"]["shard"]["strategy"]["matrix"]["kernel"][0])' "$gha")
shards=$("$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["env"]["SHARDS"])' "$gha")
env_args=(--env "UNDERTOW_ARGS=--matrix quick $quick $scens")

# gha JOB TAG ARTIFACTS MATRIX...: run JOB in a fresh workspace.
gha() {
	local job=$1 tag=$2 arts=$3
	shift 3
	PATH="$tmp/bin:$PATH" "$py" "$here/gha_run.py" "$gha" "$job" --workspace "$tmp/ws-$tag" \
		--artifacts "$arts" --checkout "$tmp/checkout" "${env_args[@]}" "$@" \
		> "$tmp/gha-$tag.log" 2>&1
}

: > "$tmp/run-sh-calls"
for k in $(seq 1 "$shards"); do
	if gha shard "s$k" "$tmp/art" --matrix "kernel=$kernel" --matrix "shard=$k" &&
		[ -f "$tmp/art/undertow-$kernel-shard-$k/run/run.json" ]; then
		ok "workflow: shard $k/$shards of $kernel runs and uploads its run"
	else
		not_ok "workflow: shard $k/$shards of $kernel runs and uploads its run" "$tmp/gha-s$k.log"
	fi
done
check "workflow: run.sh got --vm --kernel-version $kernel --shard K/$shards and the run options" \
	grep -qx -- "--vm --kernel-version $kernel --shard 2/$shards --results results --matrix quick $quick $scens" \
	"$tmp/run-sh-calls"

merged=$tmp/art/undertow-$kernel-merged/run
want=$("$bin" list --matrix quick $scens | wc -l)
if gha merge m "$tmp/art" --matrix "kernel=$kernel" && [ -s "$merged/report.html" ] &&
	[ "$("$py" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["scenarios"]))' \
		"$merged/run.json")" = "$want" ]; then
	ok "workflow: the merge job merges the $shards shards ($want variants) and uploads the report"
else
	not_ok "workflow: the merge job merges the $shards shards and uploads the report" "$tmp/gha-m.log"
fi
check "workflow: the merged run's KTAP has the plan and Totals of $want variants" \
	awk -v want="$want" '$0 == "1.." want { plan = 1 }
		/^# Totals: / { split($0, t, /[: ]+/); sum = t[4] + t[6] + t[8] }
		END { exit !(plan && sum == want) }' "$merged/ktap.log"

# One shard's VM broken: that shard fails, the merge uploads and fails.
mkdir -p "$tmp/art2"
for k in $(seq 1 "$shards"); do
	[ "$k" = 2 ] || cp -r "$tmp/art/undertow-$kernel-shard-$k" "$tmp/art2/"
done
if STUB_BROKEN_SHARD=2 gha shard b2 "$tmp/art2" --matrix "kernel=$kernel" --matrix shard=2; then
	not_ok "workflow: a shard whose VM breaks fails" "$tmp/gha-b2.log"
else
	ok "workflow: a shard whose VM breaks fails"
fi
gha merge mb "$tmp/art2" --matrix "kernel=$kernel"
rc=$?
if [ "$rc" = 1 ] && grep -q "^step 'Verdict': failure" "$tmp/gha-mb.log" &&
	"$py" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["merge"]["missing"] != [2])' \
		"$tmp/art2/undertow-$kernel-merged/run/run.json"; then
	ok "workflow: with a shard missing the merge job uploads the incomplete run and fails"
else
	not_ok "workflow: with a shard missing the merge job uploads the incomplete run and fails" \
		"$tmp/gha-mb.log"
fi

if [ "$failed" = 0 ]; then
	rm -rf "$tmp"
else
	echo "# test-ci.sh: kept $tmp"
fi
echo "1..$n"
exit "$failed"
