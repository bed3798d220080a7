#!/bin/bash
# build.sh - an overlay.ko from Debian's linux-source fs/overlayfs with one
# of the deliberately buggy patches beside this script (seq.patch,
# race.patch; see README there), built once against the Debian headers of
# a VM kernel and cached; prints the module's path, for
# `run.sh --vm --overlay-ko`.
#
#   tests/kmod/ovlbug/build.sh [--kernel-version V] [PATCH]
#
# PATCH is a file (-p1 from the kernel tree's top); none or an empty one
# builds the same source unpatched (the pristine control).  V as
# harness/vm.sh takes it (6.1.0-57, 6.1.192); default: the kernel vm.sh
# boots by default.  The source is Debian's linux-source of V's series
# (6.1 for 6.1.0-57), the headers and source come from the shared cache
# ($UNDERTOW_CACHE, default /var/cache/undertow; harness/debian-kernel.sh),
# and the module is kept in $cache/kmod/<release>/ovl-<hash>/overlay.ko,
# keyed by the kernel release, the source version and the patch's text.
# Quiet but for the path: exit 0 built or cached; 2 anything failed
# (usage, a missing dependency, a patch that does not apply, a failed
# build), with one line on stderr saying which.
set -u
# A calling make's variables (SAN=1, BUILD=...) must not reach kbuild.
unset MAKEFLAGS MFLAGS MAKELEVEL SAN STATIC BUILD CFLAGS LDFLAGS

me=ovlbug
top=$(cd "$(dirname "$0")/../../.." && pwd)
cache=${UNDERTOW_CACHE:-/var/cache/undertow}
kver=
patch=

fail() { echo "$me: $*" >&2; exit 2; }
usage() { echo "usage: tests/kmod/ovlbug/build.sh [--kernel-version V] [PATCH|none]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-version) kver=${2:-}; [ -n "$kver" ] || usage; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "$me: unknown option $1" >&2; usage ;;
	*) [ -z "$patch" ] || usage; patch=$1; shift ;;
	esac
done
case $patch in
""|none) patch= ;;
*) [ -f "$patch" ] && [ -r "$patch" ] || fail "$patch: no such patch file"
   patch=$(realpath "$patch")
   [ -s "$patch" ] || patch= ;;
esac

ut_me=$me ut_fail_exit=2
# shellcheck source=harness/lib.sh
. "$top/harness/lib.sh"
# shellcheck source=harness/debian-kernel.sh
. "$top/harness/debian-kernel.sh"
need make make
need patch patch
need flock util-linux
need dpkg-deb dpkg

dk_release "$kver" || exit 2	# (it said why)
rel=$dk_rel series=$dk_series

# The steps' own lines (progress, the tail of a failed build) go to a
# scratch file: a failure is one line here, naming its reason.
steps=$(mktemp) || fail "mktemp failed"
work=
trap 'rm -rf "$steps" ${work:+"$work"}' EXIT
why() { grep -v "^$me:   " "$steps" | tail -n 1 | sed "s/^$me: //"; }

# The source (unpacked once: the first call takes a minute or two), then
# the key: release, source version and the patch's text.
tree=$(dk_source "$series" 2> "$steps") || fail "no linux-source-$series: $(why)"
key=$({ echo "$rel"; basename "$tree"; [ -z "$patch" ] || cat "$patch"; } | sha256sum | cut -c1-16)
out=$cache/kmod/$rel/ovl-$key
[ -f "$out/overlay.ko" ] && { echo "$out/overlay.ko"; exit 0; }

hdr=$(dk_headers "$rel" 2> "$steps") || fail "no linux-headers-$rel: $(why)"
cc=$(dk_kernel_cc "$hdr")
[ -n "$cc" ] && need "$cc" "$cc"

mkdir -p "$out" || fail "cannot make $out"
exec 9>"$out/.lock" && flock 9 || fail "cannot lock $out/.lock"
if [ -f "$out/overlay.ko" ]; then
	echo "$out/overlay.ko"
	exit 0
fi
work=$(mktemp -d "$out/build.XXXXXX") || fail "mktemp in $out failed"
ko=$(dk_build_overlay "$tree" "$hdr" "$work" "$out/build.log" "$patch" 2> "$steps") ||
	fail "overlay.ko${patch:+ with $(basename "$patch")} against $rel failed: $(why)"
if [ -n "$patch" ]; then
	cp "$patch" "$out/$(basename "$patch")" || fail "cannot copy $patch into $out"
fi
mv "$ko" "$out/overlay.ko.tmp" && mv "$out/overlay.ko.tmp" "$out/overlay.ko" ||
	fail "cannot move overlay.ko into $out"
echo "$out/overlay.ko"
