#!/bin/sh
# deps.sh - make sure undertow's build dependencies are installed.
# Installs missing Debian packages with apt-get when root; otherwise prints
# the exact command and exits 2.
set -u

need=""
have_pkg() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
have_pkg liburing || need="$need liburing-dev"
have_pkg jansson || need="$need libjansson-dev"
have_pkg check || need="$need check"
have_pkg fuse3 || need="$need libfuse3-dev"
command -v unshare >/dev/null 2>&1 || need="$need util-linux"
command -v shellcheck >/dev/null 2>&1 || need="$need shellcheck"
# Loop-device backends (ext4, xfs, btrfs); mkfs lives in sbin.
PATH="$PATH:/usr/sbin:/sbin"
command -v mkfs.ext4 >/dev/null 2>&1 || need="$need e2fsprogs"
command -v mkfs.xfs >/dev/null 2>&1 || need="$need xfsprogs"
command -v mkfs.btrfs >/dev/null 2>&1 || need="$need btrfs-progs"

[ -z "$need" ] && exit 0
# shellcheck disable=SC2086 # word splitting of the package list is wanted
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "undertow: missing build dependencies; run as root: apt-get install -y$need" >&2
	exit 2
fi
echo "undertow: installing:$need" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q $need >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1
	if ! apt-get install -y -q $need >/dev/null; then
		echo "undertow: apt-get install -y$need failed" >&2
		exit 2
	fi
fi
exit 0
