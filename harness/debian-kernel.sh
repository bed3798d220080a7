# shellcheck shell=bash
# debian-kernel.sh - Debian kernel packages for the VM runner and for
# modules built against them; sourced by harness/bisect and
# tests/kmod/build.sh (one copy of this code).
#
#   dk_headers REL            fetch and unpack linux-headers-REL once;
#                             prints the directory to build modules against
#   dk_kernel_cc HDR          the gcc the kernel was built with (gcc-12)
#
# The caller sources harness/lib.sh first (apt_download, need,
# kernel_image_pkg).  They print their reason on stderr (prefixed with $me)
# and return non-zero on failure; the caller decides what that means.
# Cache: $cache if the caller set it, else $UNDERTOW_CACHE or
# /var/cache/undertow.  V is a Debian release (6.1.0-56, 6.12.115+deb12) or
# an upstream version (6.1.192).

: "${cache:=${UNDERTOW_CACHE:-/var/cache/undertow}}"

dk_say() { echo "${me:-undertow}: $*" >&2; }

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
