#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-selftests.sh - the kernel's kselftest runner, from Debian's
# linux-source package, to run the undertow collection the kernel's way.
#
#   kernel-selftests.sh fetch      print the directory holding the kernel's
#                                  tools/testing/selftests (the runner part)
#   kernel-selftests.sh tree DIR   make DIR a kselftest install tree as the
#                                  kernel's "make install" lays it out:
#                                  run_kselftest.sh, kselftest/, an empty
#                                  kselftest-list.txt
#
# Then add undertow to the tree and run it:
#   make install INSTALL_PATH=DIR/filesystems/undertow
#   make -s emit_tests >> DIR/kselftest-list.txt
#   DIR/run_kselftest.sh -c filesystems/undertow
#
# "fetch" downloads the package once (apt-get download, ~140 MB) and
# extracts only the runner's files from the kernel tarball in it; both
# stay in the cache for later runs.
#
# Environment:
#   UNDERTOW_CACHE     cache directory (default /var/cache/undertow/kselftest
#                      as root, else ~/.cache/undertow/kselftest)
#   UNDERTOW_KSFT_PKG  package (default linux-source-6.1, else
#                      linux-source-6.12: the first apt has a candidate for)
#
# Exit codes: 0 done, 1 download or extraction failed (why on stderr),
# 2 usage.
set -u
set -o pipefail

me=kernel-selftests.sh
# A package that cannot be fetched is exit 1 here, like any failed fetch.
ut_me=$me ut_fail_exit=1
# shellcheck source=harness/lib.sh
. "$(dirname "$0")/../../harness/lib.sh"

die() {
	echo "$me: $*" >&2
	exit 1
}

usage() {
	echo "usage: $me fetch | tree DIR" >&2
	exit 2
}

now() {
	echo "$EPOCHREALTIME"
}

since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

if [ "$(id -u)" -eq 0 ]; then
	cache=${UNDERTOW_CACHE:-/var/cache/undertow/kselftest}
else
	cache=${UNDERTOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/undertow/kselftest}
fi

# What the runner needs; Makefile and lib.mk for reference.
members=(
	'*/tools/testing/selftests/kselftest/*'
	'*/tools/testing/selftests/run_kselftest.sh'
	'*/tools/testing/selftests/Makefile'
	'*/tools/testing/selftests/lib.mk'
)

candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'
}

pick_pkg() {
	local p c

	if [ -n "${UNDERTOW_KSFT_PKG:-}" ]; then
		echo "$UNDERTOW_KSFT_PKG"
		return
	fi
	for p in linux-source-6.1 linux-source-6.12; do
		# Already cached: no need to ask apt.
		if [ -f "$cache/$p/.complete" ]; then
			echo "$p"
			return
		fi
	done
	for p in linux-source-6.1 linux-source-6.12; do
		c=$(candidate "$p")
		if [ -n "$c" ] && [ "$c" != "(none)" ]; then
			echo "$p"
			return
		fi
	done
	die "apt knows no linux-source-6.1 or linux-source-6.12 package; run apt-get update (Debian bookworm)"
}

# The cached .deb of $1, if any.
cached_deb() {
	local f found=

	for f in "$cache/$1"_*_all.deb; do
		[ -f "$f" ] && found=$f
	done
	echo "$found"
}

download() {
	local pkg=$1 t0

	t0=$(now)
	echo "$me: $pkg is ~140 MB, downloaded once" >&2
	apt_download "$cache" "$pkg"
	echo "$me: downloaded $pkg in $(since "$t0") s" >&2
}

extract() {
	local pkg=$1 deb=$2 tmp t0 rcs st

	tmp=$(mktemp -d "$cache/extract.XXXXXX") || die "cannot make a directory in $cache"
	t0=$(now)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tmp" --wildcards "${members[@]}"
	rcs="${PIPESTATUS[*]}"
	st=$(echo "$tmp"/*/tools/testing/selftests)
	if [ "$rcs" != "0 0 0" ] || [ ! -f "$st/kselftest/runner.sh" ] ||
		[ ! -f "$st/run_kselftest.sh" ]; then
		rm -rf "$tmp"
		die "extracting the kselftest runner from $deb failed" \
			"(dpkg-deb, tar, tar exited $rcs; remove the .deb to download it again)"
	fi
	mkdir "$tmp/out" && mv "$st" "$tmp/out/selftests" &&
		basename "$deb" >"$tmp/out/.source" && touch "$tmp/out/.complete" ||
		die "cannot assemble $tmp/out"
	rm -rf "${cache:?}/$pkg"
	mv "$tmp/out" "$cache/$pkg" || die "cannot move the extracted tree to $cache/$pkg"
	rm -rf "$tmp"
	echo "$me: extracted tools/testing/selftests runner files of $(basename "$deb") in $(since "$t0") s" >&2
}

# Print the selftests directory, fetching it first if need be.
fetch() {
	local pkg deb

	mkdir -p "$cache" || die "cannot make $cache"
	# One fetch at a time; the others wait, then find it done.
	exec 9>"$cache/.lock" || die "cannot open $cache/.lock"
	flock 9 || die "cannot lock $cache/.lock"
	pkg=$(pick_pkg) || exit 1
	if [ ! -f "$cache/$pkg/.complete" ]; then
		deb=$(cached_deb "$pkg")
		if [ -z "$deb" ]; then
			download "$pkg"
			deb=$(cached_deb "$pkg")
			[ -n "$deb" ] || die "apt-get download $pkg gave no ${pkg}_*_all.deb"
		fi
		extract "$pkg" "$deb"
	fi
	exec 9>&-
	echo "$cache/$pkg/selftests"
}

tree() {
	local dir=$1 src f

	src=$(fetch) || exit 1
	mkdir -p "$dir/kselftest" || die "cannot make $dir/kselftest"
	for f in "$src"/kselftest/*; do
		[ -f "$f" ] || continue
		install -m 744 "$f" "$dir/kselftest/" || die "cannot install $f"
	done
	install -m 744 "$src/run_kselftest.sh" "$dir/" || die "cannot install run_kselftest.sh"
	: >"$dir/kselftest-list.txt"
	echo "$me: $dir: kselftest runner of $(cat "$src/../.source")" >&2
}

case "${1:-}" in
fetch)
	[ $# -eq 1 ] || usage
	fetch
	;;
tree)
	[ $# -eq 2 ] || usage
	tree "$2"
	;;
*)
	usage
	;;
esac
