#!/bin/bash
# debug-kernel.sh - build the debug kernel undertow's VM boots with
# vm.sh --debug-kernel (KASAN, KFENCE, lockdep, kmemleak, fault injection),
# once, and keep it with its build tree in the cache.  Prints the kernel's
# cache directory:
#
#   DIR/bzImage        the kernel (vm.sh --kernel DIR/bzImage)
#   DIR/modules        its modules (vm.sh --modules DIR/modules)
#   DIR/build          the kept build tree: modules build against it
#                      (make -C DIR/build M=...), e.g. a patched overlay.ko
#   DIR/release        the kernel release; DIR/build.log the build's log
#
#   harness/debug-kernel.sh [--kernel-version 6.1|6.12] [--kernel-src DIR]
#                           [--overlay-src DIR] [-j N]
#
# The source is Debian's linux-source-V package (default 6.1, the default
# VM kernel's version; --kernel-version 6.12 picks linux-source-6.12), or
# the user's own tree with --kernel-src (built out of tree, with O=, so the
# tree is left as it is; a later call builds only what changed).  The config
# is `make defconfig` + harness/bisect-config + harness/debug.config.  The
# cache key is the source's version plus the hash of both fragments: DIR is
# $UNDERTOW_CACHE/debug/<version>-<hash> (default /var/cache/undertow).
# --overlay-src DIR builds DIR (an fs/overlayfs) against the kept tree and
# prints the overlay.ko instead (vm.sh --overlay-ko).  Progress goes to
# stderr.  Exit 0 built or cached, 1 the build failed, 2 usage or a missing
# dependency.
set -u
# A calling make's variables (SAN=1, BUILD=...) must not reach kbuild.
unset MAKEFLAGS MFLAGS MAKELEVEL

me=debug-kernel
top=$(cd "$(dirname "$(realpath "$0")")/.." && pwd)
cache=${UNDERTOW_CACHE:-/var/cache/undertow}
ver=6.1
src=
ovl_src=
jobs=$(nproc)

say() { echo "$me: $*" >&2; }
die() { say "$1"; exit "${2:-2}"; }
usage() {
	echo "usage: harness/debug-kernel.sh [--kernel-version 6.1|6.12] [--kernel-src DIR]" \
	     "[--overlay-src DIR] [-j N]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-version) ver=${2:-}; shift 2 || usage ;;
	--kernel-src) src=${2:-}; shift 2 || usage ;;
	--overlay-src) ovl_src=${2:-}; shift 2 || usage ;;
	-j) jobs=${2:-}; shift 2 || usage ;;
	-h|--help) usage ;;
	*) say "unknown argument $1"; usage ;;
	esac
done
# Debian's release names pick the same source: 6.1.0-57 and 6.1.192 are 6.1.
case $ver in
6.1|6.1.*) ver=6.1 ;;
6.12|6.12.*) ver=6.12 ;;
*) die "--kernel-version: 6.1 or 6.12 (Debian's linux-source packages), not '$ver'" ;;
esac
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "-j wants a positive number"
if [ -n "$src" ] && { [ ! -f "$src/Makefile" ] || [ ! -d "$src/arch/x86" ]; }; then
	die "--kernel-src $src: not a kernel tree"
fi

ut_me=$me ut_fail_exit=2
# shellcheck source=harness/lib.sh
. "$top/harness/lib.sh"
# dk_source: Debian's linux-source, shared with tests/kmod/ovlbug.
# shellcheck source=harness/debian-kernel.sh
. "$top/harness/debian-kernel.sh"
need make make
need gcc gcc
need flex flex
need bison bison
need bc bc
need perl perl
need xz xz-utils
need flock util-linux
need pahole dwarves
need /usr/include/libelf.h libelf-dev
need /usr/include/openssl/ssl.h libssl-dev

frags=("$top/harness/bisect-config" "$top/harness/debug.config")
fhash=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
mkdir -p "$cache/debug" || die "cannot make $cache/debug"

if [ -n "$src" ]; then
	src=$(cd "$src" && pwd)
	# One build tree per user tree; make rebuilds only what changed.
	key=own-$(printf '%s' "$src" | sha256sum | cut -c1-8)-$fhash
else
	src=$(dk_source "$ver") || exit 2
	key=$(basename "$src" | sed 's/^linux-source-//')-$fhash
fi
dir=$cache/debug/$key
b=$dir/build

# --overlay-src: an overlay.ko against the kept tree, in seconds.
build_overlay() {
	local o=$1 w
	[ -f "$dir/.complete" ] || die "no debug kernel in $dir yet: run without --overlay-src first"
	[ -f "$o/super.c" ] || die "--overlay-src $o: not an fs/overlayfs"
	w=$dir/overlay-src
	rm -rf "$w" && mkdir -p "$w" && cp -a "$o/." "$w/" || die "cannot copy $o"
	find "$w" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
	make -C "$b" M="$w" CONFIG_OVERLAY_FS=m -j"$jobs" modules > "$dir/overlay.log" 2>&1 &&
		[ -f "$w/overlay.ko" ] || { tail -n 15 "$dir/overlay.log" >&2; die "overlay.ko failed" 1; }
	echo "$w/overlay.ko"
}

mkdir -p "$dir" || die "cannot make $dir"
exec 8>"$dir.lock" && flock 8 || die "cannot lock $dir.lock"
if [ -f "$dir/.complete" ] && [ "${key#own-}" = "$key" ]; then
	[ -n "$ovl_src" ] && { build_overlay "$ovl_src"; exit $?; }
	echo "$dir"
	exit 0
fi

# One line every 30 s while make runs: objects so far and time taken.
progress() {
	local pid=$1 t0=$2 n
	while kill -0 "$pid" 2>/dev/null; do
		sleep 30 & wait $!
		n=$(grep -c '^  CC ' "$dir/build.log" 2>/dev/null)
		say "build: ${n:-0} objects compiled, $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s"
	done
}
t0=$SECONDS
rm -f "$dir/.complete"
mkdir -p "$b"
: > "$dir/build.log"
say "config: defconfig + bisect-config + debug.config in $b"
{ make -C "$src" O="$b" ARCH=x86_64 defconfig &&
  (cd "$src" && ARCH=x86_64 bash scripts/kconfig/merge_config.sh -m -O "$b" "$b/.config" "${frags[@]}") &&
  make -C "$src" O="$b" ARCH=x86_64 olddefconfig; } >> "$dir/build.log" 2>&1 ||
	{ tail -n 15 "$dir/build.log" >&2; die "config failed; log in $dir/build.log" 1; }
# What did not stick, the last fragment's word winning: fatal for what the
# detectors need, a note otherwise.
missing=
declare -A want=()
keys=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) k=${line%%=*} v=${line#*=} ;;
	"# CONFIG_"*" is not set") k=${line#\# } k=${k%% *} v=n ;;
	*) continue ;;
	esac
	[ -n "${want[$k]+set}" ] || keys+=("$k")
	want[$k]=$v
done < <(cat "${frags[@]}")
for k in "${keys[@]}"; do
	v=${want[$k]}
	got=$(grep -E "^$k=" "$b/.config" | cut -d= -f2-)
	[ "${got:-n}" = "$v" ] && continue
	case $k in
	CONFIG_KASAN|CONFIG_PROVE_LOCKING|CONFIG_DEBUG_KMEMLEAK|CONFIG_OVERLAY_FS|CONFIG_FAULT_INJECTION|CONFIG_PVH)
		die "config: $k=$v did not stick (${got:-unset})" 1 ;;
	esac
	missing="$missing $k"
done
[ -n "$missing" ] && say "config: not in this tree or not settable:$missing"

say "build: make -j$jobs bzImage modules (log in $dir/build.log)"
make -C "$src" O="$b" ARCH=x86_64 -j"$jobs" bzImage modules >> "$dir/build.log" 2>&1 &
mpid=$!
progress "$mpid" "$t0" &
ppid=$!
trap 'kill "$mpid" "$ppid" 2>/dev/null; exit 130' INT TERM HUP
wait "$mpid"
rc=$?
kill "$ppid" 2>/dev/null
wait "$ppid" 2>/dev/null
[ "$rc" -eq 0 ] && [ -f "$b/arch/x86/boot/bzImage" ] ||
	{ tail -n 15 "$dir/build.log" >&2; die "build failed after $((SECONDS - t0)) s; log in $dir/build.log" 1; }
rel=$(make -s --no-print-directory -C "$src" O="$b" kernelrelease 2>/dev/null | tail -n 1)
rm -rf "$dir/mods"
make -C "$src" O="$b" INSTALL_MOD_PATH="$dir/mods" modules_install >> "$dir/build.log" 2>&1 ||
	die "modules_install failed; log in $dir/build.log" 1
cp "$b/arch/x86/boot/bzImage" "$dir/bzImage.tmp" && mv "$dir/bzImage.tmp" "$dir/bzImage" &&
	ln -sfn "mods/lib/modules/$rel" "$dir/modules" && echo "$rel" > "$dir/release" ||
	die "cannot install the kernel into $dir" 1
touch "$dir/.complete"
say "built $rel in $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s"
[ -n "$ovl_src" ] && { build_overlay "$ovl_src"; exit $?; }
echo "$dir"
