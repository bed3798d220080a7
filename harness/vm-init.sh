#!/bin/busybox sh
# shellcheck shell=dash
# vm-init.sh - /init of undertow's VM initramfs: load the modules (the
# kernel's own, then vm.sh --kmod ones from /extra.order), run undertow
# with the arguments in /args (one per line), stream its KTAP and results
# files on ttyS1, power off.  A panic never returns here.  The per-boot
# archive picks the mode: with /watch.args (vm.sh --exec) the guest runs
# `undertow watch` with those arguments instead (the program is under
# /exec), its KTAP on ttyS1 and the program's output on the console.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
# vm.sh boots at loglevel=7, so that a boot that hangs shows where; from
# here on the console says warnings and worse only.  The line ends the
# boot for vm.sh's boot bound.
echo 5 > /proc/sys/kernel/printk
echo "undertow-vm: init"
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for m in $(cat /modules.order); do
	insmod "/lib/modules/$m" 2>/dev/null
done
# Ours: a module that did not load is said on the console.
for m in $(cat /extra.order 2>/dev/null); do
	if insmod "/lib/modules/extra/$m"; then
		echo "undertow-vm: loaded $m"
	else
		echo "undertow-vm: insmod $m failed"
	fi
done
# An instrumented overlay.ko's block map (vm.sh ships it): --coverage maps blocks to lines.
[ -f /covko/overlay.map ] && export UNDERTOW_COV_MAP=/covko/overlay.map
echo "undertow-vm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus"
IFS='
'
if [ -f /watch.args ]; then
	# shellcheck disable=SC2046 # one argument per line of /watch.args
	set -- $(cat /watch.args)
	/undertow watch "$@" > /dev/ttyS1 2> /dev/console
else
	# shellcheck disable=SC2046 # one argument per line of /args
	set -- $(cat /args)
	if [ "${1:-}" = repro ]; then
		shift
		/undertow repro --stream - --results /tmp/results "$@" > /dev/ttyS1 2> /dev/console
	else
		/undertow run --stream - --results /tmp/results "$@" > /dev/ttyS1 2> /dev/console
	fi
fi
echo "undertow-vm: undertow exited $?"
# A superblock whose teardown oopsed or is stuck keeps its s_umount held,
# and sync(2) would wait on it for good: give sync 5 s, then power off
# without the sync poweroff does itself (-n).  Nothing here is on a disk.
sync &
i=0
while [ $i -lt 5 ] && kill -0 $! 2>/dev/null; do
	sleep 1
	i=$((i + 1))
done
poweroff -f -n
