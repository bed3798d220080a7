#!/bin/bash
# build.sh - build undertow's test modules (tests/kmod) against the Debian
# linux-headers of a VM kernel, or against a kernel build tree (the debug
# kernel's, harness/debug-kernel.sh), once; prints the path of ut_fault.ko
# (ut_debug.ko is beside it).
#
#   tests/kmod/build.sh [--kernel-version V | --build DIR]
#
# V as harness/vm.sh takes it (6.1.0-56, 6.12.115+deb12, 6.1.192); default:
# the kernel vm.sh boots by default.  Headers come from the shared cache
# ($UNDERTOW_CACHE, default /var/cache/undertow; see harness/debian-kernel.sh),
# and the module is cached there per kernel and per source.  The build log
# of a failed build is kept beside it.  Exit 0 built or cached, 1 the build
# failed, 2 usage or a missing dependency.
set -u
# A calling make's variables (SAN=1, BUILD=...) must not reach kbuild.
# make exports its command-line variables into the environment too.
unset MAKEFLAGS MFLAGS MAKELEVEL SAN STATIC BUILD CFLAGS LDFLAGS

me=kmod
src=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$src/../.." && pwd)
cache=${UNDERTOW_CACHE:-/var/cache/undertow}
kver=
tree=

usage() { echo "usage: tests/kmod/build.sh [--kernel-version V | --build DIR]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-version) kver=${2:-}; [ -n "$kver" ] || usage; shift 2 ;;
	--build) tree=${2:-}; [ -n "$tree" ] || usage; shift 2 ;;
	*) usage ;;
	esac
done

ut_me=${me:-build.sh} ut_fail_exit=2
# shellcheck source=harness/lib.sh
. "$top/harness/lib.sh"
# shellcheck source=harness/debian-kernel.sh
. "$top/harness/debian-kernel.sh"
need make make
need flock util-linux
need dpkg-deb dpkg
if [ -n "$tree" ]; then
	# A kernel build tree: its release, and its config in the key (one
	# release string can be built with several configs).
	[ -n "$kver" ] && usage
	hdr=$(cd "$tree" 2>/dev/null && pwd) && [ -f "$hdr/include/config/kernel.release" ] ||
		{ dk_say "--build $tree: not a built kernel tree"; exit 2; }
	rel=$(cat "$hdr/include/config/kernel.release")-$(sha256sum < "$hdr/.config" | cut -c1-8)
else
	pkg=$(kernel_image_pkg "$kver")
	[ -n "$pkg" ] || { dk_say "no Debian kernel package for '${kver:-linux-image-amd64}'"; exit 2; }
	rel=${pkg#linux-image-}
	hdr=$(dk_headers "$rel") || exit 2
	cc=$(dk_kernel_cc "$hdr")
	[ -n "$cc" ] && need "$cc" "$cc"
fi

# One build per kernel and per source: the key is the sources' hash.
sum=$(cat "$src/Kbuild" "$src"/*.c | sha256sum | cut -c1-16)
out=$cache/kmod/$rel/$sum
if [ -f "$out/ut_fault.ko" ] && [ -f "$out/ut_debug.ko" ]; then
	echo "$out/ut_fault.ko"
	exit 0
fi
mkdir -p "$out" || { dk_say "cannot make $out"; exit 2; }
# A scratch copy: kbuild writes its objects beside the sources.
work=$(mktemp -d "$out/build.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cp "$src/Kbuild" "$src"/*.c "$work/" || exit 2
# No BTF for the module: it would need pahole, and nothing here uses it.
if ! make -C "$hdr" M="$work" CONFIG_DEBUG_INFO_BTF_MODULES= modules > "$out/build.log" 2>&1 ||
   [ ! -f "$work/ut_fault.ko" ] || [ ! -f "$work/ut_debug.ko" ]; then
	tail -n 15 "$out/build.log" | sed "s/^/$me:   /" >&2
	dk_say "building the test modules against $rel failed; log in $out/build.log"
	exit 1
fi
# ut_fault.ko last: its presence says both are there.
for m in ut_debug ut_fault; do
	mv "$work/$m.ko" "$out/$m.ko.tmp" && mv "$out/$m.ko.tmp" "$out/$m.ko" || exit 1
done
dk_say "built ut_fault.ko and ut_debug.ko against $rel"
echo "$out/ut_fault.ko"
