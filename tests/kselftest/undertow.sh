#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# undertow.sh - the kselftest entry (TEST_PROGS) of the undertow collection.
#
# Runs undertow's quick profile: every default scenario, 1 s each, on this
# kernel.  stdout is undertow's KTAP; the kselftest runner prefixes it with
# "# " and judges the exit code, which is undertow's own and already
# follows kselftest: 0 pass, 1 fail, 4 everything skipped (KSFT_SKIP),
# 2 usage error.
#
# Environment:
#   UNDERTOW_RESULTS  where the result files go (default /tmp/undertow-results)
#   UNDERTOW_ARGS     more "undertow run" words, after the defaults, so they
#                     win: UNDERTOW_ARGS="-t 2 lower-dir-rename"
# Arguments given to this script (the runner's KSELFTEST_UNDERTOW_SH_ARGS)
# come last.

# The runner starts us in the collection directory; be sure of it anyway.
cd "$(dirname "$0")" || exit 1

# UNDERTOW_ARGS is split into words, but not globbed.
set -f
# exec: the runner's timeout signals undertow itself, which stops its
# workers and takes its mounts apart before it exits.
# shellcheck disable=SC2086
exec ./undertow run -t 1 --results "${UNDERTOW_RESULTS:-/tmp/undertow-results}" \
	${UNDERTOW_ARGS:-} "$@"
