#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_collection.sh BASE_DIR COLLECTION TEST...
#
# Run the tests of one installed kselftest collection (BASE_DIR/COLLECTION)
# the way the kernel's kselftest runner does, for "make run_tests" outside
# a kernel tree:
#
#   TAP version 13
#   1..N
#   # selftests: COLLECTION: TEST
#   # <the test's stdout and stderr, each line prefixed "# ">
#   ok N selftests: COLLECTION: TEST                  exit 0
#   ok N selftests: COLLECTION: TEST # SKIP           exit 4 (KSFT_SKIP)
#   not ok N selftests: COLLECTION: TEST # TIMEOUT T seconds
#   not ok N selftests: COLLECTION: TEST # exit=RC
#
# "timeout=" in the collection's settings file bounds each test (default
# 45 s), and KSELFTEST_<TEST>_ARGS (TEST upper-cased, other characters
# than letters, digits and _ made _) gives it arguments, as in the
# kernel's runner.  Unlike it, the exit status says whether every test
# was ok (0) or not (1); 2 is a usage error.
set -u

skip_rc=4
timeout_rc=124
default_timeout=45

if [ $# -lt 2 ]; then
	echo "usage: $0 BASE_DIR COLLECTION TEST..." >&2
	exit 2
fi
base=$1
coll=$2
shift 2
if ! cd "$base/$coll"; then
	echo "$0: no collection directory $base/$coll" >&2
	exit 2
fi

# Whatever the test writes goes to our stdout through fd 4; fd 1 inside
# the command substitution below carries only its exit code.
exec 4>&1

echo "TAP version 13"
echo "1..$#"
num=0
failed=0
for test in "$@"; do
	num=$((num + 1))
	name=${test##*/}
	hdr="selftests: $coll: $name"

	limit=$default_timeout
	if [ -r settings ]; then
		v=$(sed -n 's/^timeout=//p' settings | tail -n 1)
		[ -n "$v" ] && limit=$v
	fi
	var=KSELFTEST_$(printf '%s' "$name" | tr -c '[:alnum:]_' '_' | tr '[:lower:]' '[:upper:]')_ARGS
	args=
	eval "args=\${$var:-}"

	echo "# $hdr"
	if [ ! -e "$name" ]; then
		echo "# Warning: file $name is missing!"
		echo "not ok $num $hdr"
		failed=1
		continue
	fi
	if [ ! -x "$name" ]; then
		echo "# Warning: file $name is not executable"
		echo "not ok $num $hdr"
		failed=1
		continue
	fi
	bound=
	if command -v timeout >/dev/null; then
		# -k: a test that ignores SIGTERM is killed 10 s later (exit=137)
		bound="timeout -k 10 $limit"
	fi
	# $bound and $args are word lists on purpose.
	# shellcheck disable=SC2086
	rc=$({ { $bound ./"$name" $args 2>&1 </dev/null 3>&- 4>&-; echo $? >&3; } |
		awk '{ print "# " $0; fflush() }' >&4; } 3>&1)
	case $rc in
	0) echo "ok $num $hdr" ;;
	"$skip_rc") echo "ok $num $hdr # SKIP" ;;
	"$timeout_rc")
		echo "#"
		echo "not ok $num $hdr # TIMEOUT $limit seconds"
		failed=1
		;;
	*)
		echo "not ok $num $hdr # exit=$rc"
		failed=1
		;;
	esac
done
exit "$failed"
