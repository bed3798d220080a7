# shellcheck shell=sh
# lib.sh - Debian package helpers shared by undertow's scripts.  Sourced
# (POSIX sh), never run:
#
#   ut_me=vm.sh ut_fail_exit=2; . "$top/harness/lib.sh"
#
#   apt_install PKG...         install; on failure apt-get update and again
#   need CMD|/FILE PKG         apt_install PKG unless CMD is on PATH / FILE exists
#   apt_download DIR PKG...    apt-get download the .debs into DIR, whole files only
#   kernel_image_pkg [V]       the linux-image package of Debian kernel V
#                              (6.12: the one its meta-package names)
#
# A package that cannot be had is one line on stderr, "$ut_me: ...", and
# exit $ut_fail_exit (default 2: a missing dependency, as undertow's own
# exit codes say).  Progress lines go to stderr too; stdout stays the
# caller's.

: "${ut_me:=undertow}"
: "${ut_fail_exit:=2}"

ut_apt_fail() {
	echo "$ut_me: $*" >&2
	exit "$ut_fail_exit"
}

# The last "E: ..." line of apt's output in $1, or its last line.
ut_apt_why() {
	printf '%s\n' "$1" | awk '/^E: / { e = $0 } NF { l = $0 } END { print e ? e : l }'
}

apt_install() {
	ut_out=
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		ut_apt_fail "missing $*; run as root: apt-get install -y $*"
	fi
	echo "$ut_me: installing $*" >&2
	# A stale package list is the usual reason for a first failure.
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1
		ut_out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" 2>&1) ||
			ut_apt_fail "apt-get install -y $* failed: $(ut_apt_why "$ut_out")"
	fi
}

need() {
	case $1 in
	/*) [ -e "$1" ] && return 0 ;;
	*) command -v "$1" >/dev/null 2>&1 && return 0 ;;
	esac
	apt_install "$2"
}

# Through a scratch directory in DIR, so that DIR only ever holds whole files.
apt_download() {
	ut_dir=$1
	shift
	ut_tmp=$(mktemp -d "$ut_dir/download.XXXXXX") || ut_apt_fail "cannot make a directory in $ut_dir"
	# apt's sandbox user must be able to write there.
	if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
		chown _apt "$ut_tmp"
	fi
	echo "$ut_me: apt-get download $* into $ut_dir" >&2
	ut_out=$(cd "$ut_tmp" && apt-get download "$@" 2>&1)
	ut_rc=$?
	if [ "$ut_rc" -ne 0 ]; then
		rm -rf "$ut_tmp"
		ut_apt_fail "'apt-get download $*' failed (exit $ut_rc): $(ut_apt_why "$ut_out")" \
			"(is the network up and are the apt sources reachable? apt-get update)"
	fi
	for ut_f in "$ut_tmp"/*.deb; do
		[ -f "$ut_f" ] || { rm -rf "$ut_tmp"; ut_apt_fail "apt-get download $* left no .deb"; }
		mv -f "$ut_f" "$ut_dir/" || ut_apt_fail "cannot move $ut_f into $ut_dir"
	done
	rmdir "$ut_tmp"
}

# The kernel image a meta-package (linux-image-amd64, linux-image-6.12-amd64)
# depends on; nothing for an image package itself.
ut_meta_image() {
	apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# V: "" (the current linux-image-amd64), a Debian release (6.1.0-56,
# 6.12.115+deb12), a series with a meta-package (6.12) or an upstream
# version (6.1.192).  Prints nothing when apt knows no such kernel.
kernel_image_pkg() {
	if [ -z "${1:-}" ]; then
		ut_meta_image linux-image-amd64
		return
	fi
	for ut_p in "linux-image-$1-amd64" "linux-image-$1+deb12-amd64"; do
		if apt-cache show "$ut_p" >/dev/null 2>&1; then
			ut_img=$(ut_meta_image "$ut_p")
			echo "${ut_img:-$ut_p}"
			return
		fi
	done
	# An upstream version: the package whose Version starts with it.
	for ut_p in $(apt-cache search --names-only "^linux-image-${1%.*}\.[0-9.+a-z-]*-amd64$" |
		      awk '{ print $1 }' | grep -v -e cloud -e -rt-); do
		apt-cache show "$ut_p" 2>/dev/null | grep -q "^Version: $1-" && { echo "$ut_p"; return; }
	done
}
