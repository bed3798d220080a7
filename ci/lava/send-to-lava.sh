#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# send-to-lava.sh RESULT_FILE - report each "NAME RESULT" line of
# RESULT_FILE (RESULT: pass, fail, skip or unknown) as a LAVA test case.
# Outside LAVA (no lava-test-case on PATH) each line is printed the way
# LAVA would record it, so the definition can be tried by hand.
set -u

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: $0 RESULT_FILE (a readable file of 'NAME RESULT' lines)" >&2
	exit 2
fi
have_lava=false
command -v lava-test-case >/dev/null 2>&1 && have_lava=true

while read -r name result extra; do
	[ -n "$name" ] || continue
	case $result in
	pass | fail | skip | unknown) ;;
	*)
		echo "$0: '$name $result${extra:+ $extra}': not a result, reported as unknown" >&2
		result=unknown
		;;
	esac
	if $have_lava; then
		lava-test-case "$name" --result "$result"
	else
		echo "<TEST_CASE_ID=$name RESULT=$result>"
	fi
done < "$1"
