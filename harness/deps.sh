#!/bin/sh
# deps.sh - make sure undertow's build dependencies are installed.
# Installs missing Debian packages with apt-get when root; otherwise prints
# the exact command and exits 2.
set -u
# shellcheck source=harness/lib.sh
. "$(dirname "$0")/lib.sh"

missing=""
have_pkg() { pkg-config --exists "$1" 2>/dev/null; }
have() { command -v "$1" >/dev/null 2>&1; }
have pkg-config || missing="$missing pkg-config"
have cc || missing="$missing gcc"
have make || missing="$missing make"
have_pkg liburing || missing="$missing liburing-dev"
have_pkg jansson || missing="$missing libjansson-dev"
have_pkg check || missing="$missing check"
have_pkg fuse3 || missing="$missing libfuse3-dev"
have unshare || missing="$missing util-linux"
have shellcheck || missing="$missing shellcheck"
# Loop-device backends (ext4, xfs, btrfs); mkfs lives in sbin.
PATH="$PATH:/usr/sbin:/sbin"
have mkfs.ext4 || missing="$missing e2fsprogs"
have mkfs.xfs || missing="$missing xfsprogs"
have mkfs.btrfs || missing="$missing btrfs-progs"

[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086 # word splitting of the package list is wanted
apt_install $missing
exit 0
