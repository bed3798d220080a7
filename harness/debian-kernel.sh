# shellcheck shell=bash
# debian-kernel.sh - Debian kernel packages for the VM runner and for
# modules built against them; sourced by harness/bisect,
# harness/debug-kernel.sh, tests/kmod/build.sh and tests/kmod/ovlbug/build.sh
# (one copy of this code).
#
#   dk_release V              the kernel release of V ("" = vm.sh's default)
#                             and its series: sets dk_rel (6.1.0-57-amd64)
#                             and dk_series (6.1)
#   dk_headers REL            fetch and unpack linux-headers-REL once;
#                             prints the directory to build modules against
#   dk_kernel_cc HDR          the gcc the kernel was built with (gcc-12)
#   dk_source SERIES          fetch and unpack Debian's linux-source-SERIES
#                             (6.1, 6.12) once; prints the tree
#   dk_build_overlay TREE HDR WORK LOG [PATCH]
#                             build TREE's fs/overlayfs (+ PATCH, -p1 from
#                             the tree's top) as a module against HDR, in
#                             the scratch directory WORK, make's output in
#                             LOG; prints the overlay.ko (inside WORK)
#
# The caller sources harness/lib.sh first (apt_download, need,
# kernel_image_pkg).  They print their reason on stderr (prefixed with $me)
# and return non-zero on failure; the caller decides what that means.
# Cache: $cache if the caller set it, else $UNDERTOW_CACHE or
# /var/cache/undertow.  V is a Debian release (6.1.0-56, 6.12.115+deb12) or
# an upstream version (6.1.192).

: "${cache:=${UNDERTOW_CACHE:-/var/cache/undertow}}"

dk_say() { echo "${me:-undertow}: $*" >&2; }

dk_release() {
	local pkg
	pkg=$(kernel_image_pkg "$1")
	[ -n "$pkg" ] || { dk_say "no Debian kernel package for '${1:-linux-image-amd64}'"; return 1; }
	dk_rel=${pkg#linux-image-}
	dk_series=$(echo "$dk_rel" | grep -oE '^[0-9]+\.[0-9]+')
	[ -n "$dk_series" ] || { dk_say "cannot tell the series of $dk_rel"; return 1; }
}

# The cached .deb of package $1 at apt's candidate version, if any.
dk_cached_deb() {
	local ver
	ver=$(apt-cache show --no-all-versions "$1" 2>/dev/null | awk '$1 == "Version:" { print $2; exit }')
	[ -n "$ver" ] || return 1
	ls "$cache/headers/debs/${1}_${ver/:/%3a}_"*.deb 2>/dev/null | head -n 1
}

# linux-headers-REL, its -common and linux-kbuild, unpacked side by side.
# The arch Makefile includes the -common one by its absolute path, which
# is fixed to point into the cache.  Locked: parallel callers unpack once.
dk_headers() {
	local rel=$1 base=$cache/headers dir pkgs p deb get t0=$SECONDS
	dir=$base/$rel
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$base/debs" || { dk_say "cannot make $base"; return 1; }
		exec 9>"$base/.lock" && flock 9 || { dk_say "cannot lock $base/.lock"; return 1; }
	fi
	if [ ! -f "$dir/.complete" ]; then
		if ! apt-cache show "linux-headers-$rel" >/dev/null 2>&1; then
			dk_say "apt knows no linux-headers-$rel (apt-get update?)"
			return 1
		fi
		pkgs="linux-headers-$rel $(apt-cache depends "linux-headers-$rel" 2>/dev/null |
			awk '$1 ~ /Depends:$/ && ($2 ~ /^linux-headers-.*-common$/ || $2 ~ /^linux-kbuild-/) { print $2 }' |
			sort -u | tr '\n' ' ' | sed 's/ $//')"
		case $pkgs in
		*-common*linux-kbuild-*) ;;
		*) dk_say "linux-headers-$rel: no -common or linux-kbuild dependency"; return 1 ;;
		esac
		dk_say "headers: $pkgs"
		get=()
		for p in $pkgs; do
			[ -n "$(dk_cached_deb "$p")" ] || get+=("$p")
		done
		# apt_download (lib.sh) fails the caller with one line, as every apt step does.
		[ ${#get[@]} -eq 0 ] || apt_download "$base/debs" "${get[@]}"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" || { dk_say "cannot make $dir.tmp"; return 1; }
		for p in $pkgs; do
			deb=$(dk_cached_deb "$p")
			[ -n "$deb" ] || { dk_say "$p: no .deb in $base/debs"; return 1; }
			dpkg-deb -x "$deb" "$dir.tmp" || { dk_say "dpkg-deb -x $deb failed"; return 1; }
		done
		sed -i "s|^include /usr/src/|include $dir/usr/src/|" \
			"$dir.tmp/usr/src/linux-headers-$rel/Makefile" ||
			{ dk_say "fixing the headers Makefile failed"; return 1; }
		if ! grep -q "^include $dir/usr/src/linux-headers-.*-common/Makefile" \
			"$dir.tmp/usr/src/linux-headers-$rel/Makefile"; then
			dk_say "linux-headers-$rel: unexpected Makefile"
			return 1
		fi
		rm -rf "$dir" && mv "$dir.tmp" "$dir" && touch "$dir/.complete" ||
			{ dk_say "cannot move the headers to $dir"; return 1; }
		dk_say "headers: unpacked in $dir in $((SECONDS - t0)) s"
	else
		dk_say "headers: cached in $dir"
	fi
	exec 9>&-
	if [ ! -f "$dir/usr/src/linux-headers-$rel/Module.symvers" ]; then
		dk_say "$dir: no Module.symvers"
		return 1
	fi
	echo "$dir/usr/src/linux-headers-$rel"
}

# The compiler named in the headers' build variables (CC = ...gcc-12).
dk_kernel_cc() {
	grep -o 'gcc-[0-9][0-9]*' "$1/.kernelvariables" 2>/dev/null | head -n 1
}

# Debian's linux-source-SERIES, unpacked once into $cache/debug/src (where
# the debug kernel's kept build trees expect it); prints the tree.  Any
# copy of the .deb in the cache is used (the kselftest and bisect tests
# fetch it too).  Locked: parallel callers unpack once.
dk_source() {
	local pkg=linux-source-$1 deb dver dir tmp
	deb=$(find "$cache" -maxdepth 2 -name "${pkg}_*_all.deb" -type f 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$deb" ]; then
		need apt-get apt
		mkdir -p "$cache/debs" || { dk_say "cannot make $cache/debs"; return 1; }
		apt_download "$cache/debs" "$pkg"
		deb=$(find "$cache/debs" -name "${pkg}_*_all.deb" -type f | sort -V | tail -n 1)
		[ -n "$deb" ] || { dk_say "no $pkg .deb after apt-get download"; return 1; }
	fi
	dver=$(basename "$deb" | cut -d_ -f2)
	dir=$cache/debug/src/$pkg-$dver
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$cache/debug/src" || { dk_say "cannot make $cache/debug/src"; return 1; }
		exec 7>"$cache/debug/src/.lock" && flock 7 ||
			{ dk_say "cannot lock $cache/debug/src/.lock"; return 1; }
	fi
	if [ ! -f "$dir/.complete" ]; then
		need xz xz-utils
		dk_say "unpacking $(basename "$deb") (once)"
		rm -rf "$dir"
		tmp=$dir.tmp
		rm -rf "$tmp" && mkdir -p "$tmp" || { dk_say "cannot make $tmp"; return 1; }
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			xz -dc | tar -x -C "$tmp" --strip-components=1 ||
			{ dk_say "unpacking $deb failed"; return 1; }
		mv "$tmp" "$dir" && touch "$dir/.complete" || { dk_say "cannot move $tmp"; return 1; }
	fi
	exec 7>&-
	echo "$dir"
}

# TREE's fs/overlayfs as overlay.ko against HDR (Debian headers or a kept
# kernel build tree), CONFIG_OVERLAY_FS=m whatever HDR's config says.  A
# clean copy in WORK/fs/overlayfs: nothing of an earlier build in TREE is
# reused, and PATCH (if given) changes only the copy.
dk_build_overlay() {
	local tree=$1 hdr=$2 work=$3 log=$4 patch=${5:-} src=$3/fs/overlayfs t0=$SECONDS opts h
	: > "$log" || { dk_say "cannot write $log"; return 1; }
	mkdir -p "$src" && cp -a "$tree/fs/overlayfs/." "$src/" ||
		{ dk_say "copying fs/overlayfs failed"; return 1; }
	# Newer overlayfs includes "../internal.h": the headers beside it come along.
	for h in "$tree"/fs/*.h; do
		[ -f "$h" ] && { cp "$h" "$work/fs/" || { dk_say "copying $h failed"; return 1; }; }
	done
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' -o \
		-name '.*.cmd' -o -name modules.order -o -name Module.symvers \) -delete
	if [ -n "$patch" ] && ! patch -d "$work" -p1 --batch --forward -s < "$patch" >> "$log" 2>&1; then
		sed "s/^/${me:-undertow}:   /" "$log" | tail -n 15 >&2
		dk_say "$(basename "$patch") does not apply to $tree/fs/overlayfs; log in $log"
		return 1
	fi
	opts=$(grep -E '^CONFIG_OVERLAY_FS[A-Z_]*=' "$hdr/.config" | tr '\n' ' ' | sed 's/ $//')
	dk_say "build: fs/overlayfs${patch:+ + $(basename "$patch")} against $(basename "$hdr")" \
		"(CONFIG_OVERLAY_FS=m; its config: ${opts:-none})"
	# No BTF for the module: it would need pahole, and nothing here uses it.
	# The scratch path left out of __FILE__: a WARNING names
	# fs/overlayfs/namei.c:LINE, as the kernel's own module would.
	if ! make -C "$hdr" M="$src" CONFIG_OVERLAY_FS=m CONFIG_DEBUG_INFO_BTF_MODULES= \
		KCFLAGS="-fmacro-prefix-map=$work/=" -j"$(nproc)" modules >> "$log" 2>&1 ||
	   [ ! -f "$src/overlay.ko" ]; then
		tail -n 15 "$log" | sed "s/^/${me:-undertow}:   /" >&2
		dk_say "build: fs/overlayfs failed ($((SECONDS - t0)) s); log in $log"
		return 1
	fi
	dk_say "build: overlay.ko built in $((SECONDS - t0)) s"
	echo "$src/overlay.ko"
}
