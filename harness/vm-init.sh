#!/bin/busybox sh
# shellcheck shell=dash
# vm-init.sh - /init of undertow's VM initramfs: load the modules, run
# undertow with the arguments in /args (one per line), stream its KTAP and
# results files on ttyS1, power off.  A panic never returns here.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for m in $(cat /modules.order); do
	insmod "/lib/modules/$m" 2>/dev/null
done
echo "undertow-vm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus"
IFS='
'
# shellcheck disable=SC2046 # one argument per line of /args
set -- $(cat /args)
/undertow run --stream - --results /tmp/results "$@" > /dev/ttyS1 2> /dev/console
echo "undertow-vm: undertow exited $?"
sync
poweroff -f
