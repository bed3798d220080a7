#!/bin/bash
# covko.sh - an overlay.ko that counts its own blocks, for line coverage in
# the VM: Debian's linux-source fs/overlayfs built against the Debian
# headers of a VM kernel with -fsanitize-coverage=trace-pc on overlay's
# objects, plus undertow's collector (harness/covko/ut_cov.c, built without
# the flag), which defines the hook and shows the blocks reached in
# debugfs (undertow_cov/).  Built once and cached; prints the module's path.
#
#   harness/covko.sh [--kernel-version V]
#
# Beside the module (stripped of debug info, for the guest):
#   overlay.ko.debug  the module as built, with its DWARF
#   overlay.map       the block map: every call of the hook in .text, as
#                     the offset the collector reports, with the function,
#                     fs/overlayfs file and line it belongs to (the first
#                     frame of its inline chain that is overlay's own)
# vm.sh --overlay-ko takes the map along when it is there, so each
# scenario's coverage gets its lines (see README, Line coverage).
# Cache: $cache/kmod/<release>/cov-<hash of release, source, collector and
# this recipe>/.  Quiet but for the path: exit 0 built or cached; 2 on any
# failure, with one line on stderr saying which.
set -u
unset MAKEFLAGS MFLAGS MAKELEVEL SAN STATIC BUILD CFLAGS LDFLAGS

me=covko
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${UNDERTOW_CACHE:-/var/cache/undertow}
kver=

fail() { echo "$me: $*" >&2; exit 2; }
usage() { echo "usage: harness/covko.sh [--kernel-version V]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-version) kver=${2:-}; [ -n "$kver" ] || usage; shift 2 ;;
	*) usage ;;
	esac
done

ut_me=$me ut_fail_exit=2
# shellcheck source=harness/lib.sh
. "$top/harness/lib.sh"
# shellcheck source=harness/debian-kernel.sh
. "$top/harness/debian-kernel.sh"
need make make
need patch patch
need flock util-linux
need dpkg-deb dpkg
need addr2line binutils

dk_release "$kver" || exit 2	# (it said why)
rel=$dk_rel series=$dk_series

steps=$(mktemp) || fail "mktemp failed"
work=
trap 'rm -rf "$steps" ${work:+"$work"}' EXIT
why() { grep -v "^$me:   " "$steps" | tail -n 1 | sed "s/^$me: //"; }

tree=$(dk_source "$series" 2> "$steps") || fail "no linux-source-$series: $(why)"
key=$({ echo "$rel"; basename "$tree"; cat "$top/harness/covko/ut_cov.c" \
	"$top/harness/covko/Kbuild.add" "$0"; } | sha256sum | cut -c1-16)
out=$cache/kmod/$rel/cov-$key
done_already() { [ -f "$out/overlay.ko" ] && [ -f "$out/overlay.map" ]; }
done_already && { echo "$out/overlay.ko"; exit 0; }

hdr=$(dk_headers "$rel" 2> "$steps") || fail "no linux-headers-$rel: $(why)"
cc=$(dk_kernel_cc "$hdr")
[ -n "$cc" ] && need "$cc" "$cc"

mkdir -p "$out" || fail "cannot make $out"
exec 9>"$out/.lock" && flock 9 || fail "cannot lock $out/.lock"
done_already && { echo "$out/overlay.ko"; exit 0; }
work=$(mktemp -d "$out/build.XXXXXX") || fail "mktemp in $out failed"

# The change as a patch, so dk_build_overlay builds it like any other:
# the collector, the flag in the Makefile, and overlay's module init and
# exit wrapped to set up and take down the collector's debugfs files (one
# line for one line: the source's line numbers stay).
make_patch() {
	local a=$work/p/a/fs/overlayfs b=$work/p/b/fs/overlayfs s
	mkdir -p "$a" "$b" && cp -a "$tree/fs/overlayfs/." "$a/" && cp -a "$a/." "$b/" ||
		fail "copying fs/overlayfs failed"
	cp "$top/harness/covko/ut_cov.c" "$b/" && cat "$top/harness/covko/Kbuild.add" >> "$b/Makefile" ||
		fail "adding the collector failed"
	s=$b/super.c
	[ "$(grep -c -x -e 'module_init(ovl_init);' -e 'module_exit(ovl_exit);' "$s")" = 2 ] ||
		fail "$tree/fs/overlayfs/super.c: no module_init(ovl_init); and module_exit(ovl_exit); lines"
	sed -i -e 's/^module_init(ovl_init);$/int ut_cov_start(void); static int __init ut_cov_init(void) { int err = ovl_init(); if (!err) ut_cov_start(); return err; } module_init(ut_cov_init);/' \
		-e 's/^module_exit(ovl_exit);$/void ut_cov_stop(void); static void __exit ut_cov_exit(void) { ut_cov_stop(); ovl_exit(); } module_exit(ut_cov_exit);/' "$s"
	(cd "$work/p" && diff -ruN a b) > "$work/cov.patch"
	[ -s "$work/cov.patch" ] || fail "the coverage patch came out empty"
}

# The executable sections the module loader puts in the module's core, each
# with its offset from .text there: in section order, each aligned, right
# after the one before (kernel/module: layout_sections).  Init code is
# freed after loading: its blocks are left out.
core_sections() {
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk 'function hex(s,    v, i) { v = 0; for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		$7 ~ /A/ && $7 ~ /X/ && $1 !~ /^\.init/ {
			al = $NF > 0 ? $NF : 1; off = int((end + al - 1) / al) * al
			print $1, off; end = off + hex($5) }'
}

# "OFFSET FUNCTION FILE LINE" per call of the hook in the core's code.
# OFFSET is the return address less the hook's own address, as the
# collector counts it; the line is the first frame of addr2line's inline
# chain in fs/overlayfs (a block of an inlined header function counts for
# the overlay line that inlined it).  Only calls count: taking the hook's
# address (the collector does) is a relocation too.
make_map() {
	local ko=$1 anchor sec base r
	anchor=$(objdump -t "$ko" | awk '$NF == "__sanitizer_cov_trace_pc" && $4 == ".text" { print $1 }')
	[ -n "$anchor" ] || fail "$ko: __sanitizer_cov_trace_pc is not in .text"
	objdump -r "$ko" | awk '/^RELOCATION RECORDS FOR/ { s = $4 }
		$2 == "R_X86_64_PLT32" && $3 ~ /^__sanitizer_cov_trace_pc-/ { n[s]++ }
		END { for (s in n) { t = s; gsub(/\[|\]|:/, "", t); print t, n[s] } }' | sort > "$work/counts"
	grep -q '^\.text ' "$work/counts" ||
		fail "$ko: no calls of __sanitizer_cov_trace_pc in .text (flag ignored?)"
	# A jump to the hook would count its caller's caller: there must be none.
	[ "$(objdump -dr "$ko" | grep -B1 'R_X86_64_PLT32.*__sanitizer_cov_trace_pc-' |
		grep -cE '^ +[0-9a-f]+:.*\se9( [0-9a-f]{2}){4}')" = 0 ] ||
		fail "$ko: tail calls (jmp) to __sanitizer_cov_trace_pc; its blocks would count wrong"
	{
		echo "# undertow block map 1"
		echo "build-id $(readelf -n "$ko" | awk '/Build ID:/ { print $3 }')"
		echo "source $tree"
		echo "sites $(awk '{ printf("%s%s %s", (NR > 1 ? " " : ""), $1, $2) }' "$work/counts")"
		core_sections "$ko" | while read -r sec base; do
			objdump -r -j "$sec" "$ko" |
				awk '$2 == "R_X86_64_PLT32" && $3 ~ /^__sanitizer_cov_trace_pc-/ { print $1 }' |
				while read -r r; do printf '0x%x\n' $((16#$r - 1)); done |
				addr2line -e "$ko" -j "$sec" -a -f -i |
				awk -v anchor="$anchor" -v base="$base" -f "$top/harness/covko/map.awk"
		done
	} > "$work/overlay.map" || fail "writing the block map failed"
}

t0=$SECONDS
make_patch
ko=$(dk_build_overlay "$tree" "$hdr" "$work" "$out/build.log" "$work/cov.patch" 2> "$steps") ||
	fail "instrumented overlay.ko against $rel failed: $(why)"
make_map "$ko"
cp "$ko" "$out/overlay.ko.debug" && mv "$work/overlay.map" "$out/overlay.map" &&
	strip --strip-debug -o "$out/overlay.ko.tmp" "$ko" && mv "$out/overlay.ko.tmp" "$out/overlay.ko" ||
	fail "cannot move overlay.ko into $out"
echo "$me: built in $((SECONDS - t0)) s, $(grep -c '^[-0-9]' "$out/overlay.map") blocks mapped" \
	>> "$out/build.log"
echo "$out/overlay.ko"
