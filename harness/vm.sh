#!/bin/bash
# vm.sh - run undertow inside a Debian kernel (or your own) under qemu.
#
#   harness/vm.sh [--kernel-version V]... [--kernel PATH [--modules DIR]]
#                 [--debug-kernel [--kernel-version V] [--kernel-src DIR]]
#                 [--overlay-ko FILE] [--kmod FILE.ko]... [--vm-oops panic|continue]
#                 [--vm-smp N] [--vm-mem MB] [--vm-silence SECS] [--vm-boot SECS]
#                 [RUN OPTIONS] [SCENARIO|TAG ...]
#   harness/vm.sh [KERNEL OPTIONS as above] --exec FILE [--exec-time S]
#   harness/vm.sh [VM OPTIONS] repro [REPRO OPTIONS] RESULT.json
#
# The kernel is fetched with apt-get download (the current linux-image-amd64
# by default; V is a Debian release such as 6.1.0-56 or 6.12.115+deb12, or
# an upstream version such as 6.1.192) into a cache, never installed on the
# host.  Its vmlinux is taken out of vmlinuz and booted directly (PVH).  The
# initramfs (harness/initramfs.sh) holds busybox, a static undertow, the
# mkfs tools of the loop backends and the kernel's own modules for overlay,
# fuse, loop, ext4, xfs, btrfs and pvpanic, built once per kernel and cached.  Results come back framed on a second serial line and
# land in results/ as for a host run; a guest panic is a crash of the
# scenario that was running, a guest that goes silent is a hang.  Several
# --kernel-version values run in parallel VMs (-smp 1 each).  --overlay-ko
# boots the kernel with that overlay.ko instead of its own (the bisect
# helper's module-only mode); it taints the kernel O/E, which is expected.
# One that harness/covko.sh built has its block map beside it (overlay.map):
# that goes into the guest (for --coverage's lines) and into the run's
# results as blocks.map (for report and diff).
# --kmod puts an extra module (built for that kernel: tests/kmod/build.sh)
# into the guest and loads it after the kernel's own, before the run; it
# rides in a per-boot archive, never in the cached initramfs.  The guest
# boots with oops=panic, so an oops ends the VM as a crash; --vm-oops
# continue boots without it (Debian's default): the kernel kills the
# oopsing task and goes on, and the run must survive that by itself.
# --debug-kernel boots the debug kernel of harness/debug-kernel.sh (KASAN,
# lockdep, kmemleak, fault injection; built once and cached) from Debian's
# linux-source of --kernel-version (6.1 or 6.12), or from --kernel-src DIR.
# --exec FILE boots the same way but runs `undertow watch --time S --
# /exec/NAME` instead of a run: FILE (a static binary, or a busybox sh
# script; NAME is its base name) rides in the per-boot archive.  The
# watch's KTAP comes back as it is, exit code and all; a guest that
# panics is a crash of NAME with the console's first kernel crash line,
# one that goes silent a hang (harness `undertow vm-watch`).
# repro: the guest runs `undertow repro` on RESULT.json (carried in the
# per-boot archive) and streams the program it writes back into the repro/
# folder beside RESULT.json on the host; then harness/repro-verify.sh runs
# it in --verify K (default 5, 0 = none) fresh VMs for --verify-time S
# seconds (default 10) each.
set -u
# Called from make (make check, make sanitize): its variables (SAN=1,
# BUILD=...) must not reach the static build or a kernel build.
# make exports its command-line variables into the environment too.
unset MAKEFLAGS MFLAGS MAKELEVEL SAN STATIC BUILD CFLAGS LDFLAGS

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${UNDERTOW_CACHE:-/var/cache/undertow}
results=results
smp=2
mem=1024
silence=120		# seconds without guest output: a hang (--vm-silence)
silence_set=
boot_bound=300		# seconds for the guest to reach its init (--vm-boot)
boot_tries=5		# boots tried when one hangs before init
exec_file=		# --exec: the program the guest's undertow watch runs
exec_time=
versions=()
kernel=
modules=
overlay_ko=
kmods=()
debug=
ksrc=
oops=panic
args=()
verify=5		# repro: fresh VMs the program is verified in (--verify)
verify_s=10		# repro: seconds it runs in each (--verify-time)

die() { echo "vm.sh: $*" >&2; exit 2; }
ut_me=vm.sh
# shellcheck source=harness/lib.sh
. "$top/harness/lib.sh"
# shellcheck source=harness/initramfs.sh
. "$top/harness/initramfs.sh"
say() { [ -t 2 ] && printf '\r\033[K%s' "$*" >&2; }

kopts=()	# the options that choose the kernel, for repro's fresh VMs
while [ $# -gt 0 ]; do
	case $1 in
	--kernel-version | --kernel | --modules | --overlay-ko | --kernel-src | --kmod | --vm-oops | \
	--vm-smp | --vm-mem | --vm-boot) kopts+=("$1" "${2:-}") ;;
	--debug-kernel) kopts+=("$1") ;;
	esac
	case $1 in
	--kernel-version) versions+=("${2:?--kernel-version wants V}"); shift 2 ;;
	--kernel) kernel=${2:?--kernel wants a path}; shift 2 ;;
	--modules) modules=${2:?--modules wants a dir}; shift 2 ;;
	--overlay-ko) overlay_ko=$(realpath "${2:?--overlay-ko wants a file}"); shift 2 ;;
	--debug-kernel) debug=1; shift ;;
	--kernel-src) ksrc=${2:?--kernel-src wants a dir}; shift 2 ;;
	--kmod) kmods+=("$(realpath "${2:?--kmod wants a .ko file}")"); shift 2 ;;
	--vm-oops) oops=${2:?--vm-oops wants panic or continue}; shift 2 ;;
	--vm-smp) smp=${2:?}; shift 2 ;;
	--vm-mem) mem=${2:?}; shift 2 ;;
	--vm-boot) boot_bound=${2:-}; shift 2 || die "--vm-boot wants seconds" ;;
	--vm-silence) silence=${2:?--vm-silence wants seconds}; silence_set=1; shift 2 ;;
	--exec) exec_file=${2:?--exec wants a file}; shift 2 ;;
	--exec-time) exec_time=${2:?--exec-time wants seconds}; shift 2 ;;
	--verify) verify=${2:?--verify wants K}; shift 2 ;;
	--verify-time) verify_s=${2:?--verify-time wants seconds}; shift 2 ;;
	--results) results=${2:?}; args+=("$1" "$2"); shift 2 ;;
	--hang-timeout) [ "$silence" = 120 ] && silence=$(( ${2%.*} * 3 + 60 ))
		args+=("$1" "$2"); shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
[ -n "$ksrc" ] && [ -z "$debug" ] && die "--kernel-src is for --debug-kernel"
[[ $boot_bound =~ ^[1-9][0-9]*$ ]] || die "--vm-boot wants whole seconds, not '$boot_bound'"
repro_result=
if [ "${args[0]:-}" = repro ]; then
	[ ${#args[@]} -ge 2 ] || die "repro wants RESULT.json"
	repro_result=$(realpath "${args[${#args[@]}-1]}" 2>/dev/null) && [ -f "$repro_result" ] ||
		die "repro: ${args[${#args[@]}-1]}: no such file"
	args[${#args[@]}-1]=/repro/$(basename "$repro_result")
fi
if [ -n "$debug" ]; then
	[ -n "$kernel" ] && die "--kernel and --debug-kernel exclude each other"
	[ ${#versions[@]} -gt 1 ] && die "--debug-kernel builds one --kernel-version"
	dbg=$("$top/harness/debug-kernel.sh" ${versions[0]:+--kernel-version "${versions[0]}"} \
		${ksrc:+--kernel-src "$ksrc"}) || die "no debug kernel (harness/debug-kernel.sh failed)"
	kernel=$dbg/bzImage modules=$dbg/modules versions=()
fi
[ -n "$kernel" ] && [ ${#versions[@]} -gt 0 ] && die "--kernel and --kernel-version exclude each other"
[ -n "$kernel" ] && [ ! -f "$kernel" ] && die "--kernel $kernel: no such file"
[ -n "$modules" ] && [ ! -d "$modules" ] && die "--modules $modules: no such directory"
[ -n "$overlay_ko" ] && [ ! -f "$overlay_ko" ] && die "--overlay-ko $overlay_ko: no such file"
for m in "${kmods[@]}"; do
	case $m in *.ko) ;; *) die "--kmod $m: not a .ko file" ;; esac
	[ -f "$m" ] || die "--kmod $m: no such file"
	[ "$(printf '%s\n' "${kmods[@]}" | grep -c "/$(basename "$m")\$")" -eq 1 ] ||
		die "--kmod: two modules named $(basename "$m")"
done
if [ -n "$exec_file" ]; then
	[ -f "$exec_file" ] && [ -x "$exec_file" ] ||
		die "--exec $exec_file: not an executable file"
	exec_file=$(realpath "$exec_file")
	case $(basename "$exec_file") in
	*[!A-Za-z0-9._+-]*) die "--exec $exec_file: name it with A-Z a-z 0-9 . _ + - only" ;;
	esac
	[ ${#args[@]} -eq 0 ] ||
		die "--exec runs FILE instead of undertow run: no run options or scenarios (${args[*]})"
	[ ${#versions[@]} -gt 1 ] && die "--exec boots one kernel: one --kernel-version"
	: "${exec_time:=60}"
	[[ $exec_time =~ ^[0-9]+([.][0-9]+)?$ ]] &&
		awk -v t="$exec_time" 'BEGIN { exit !(t >= 0.1 && t <= 86400) }' ||
		die "--exec-time wants seconds, 0.1..86400: '$exec_time'"
	# The watch ends within S + 2 s + 5 s; PROG may be quiet all along.
	if [ -z "$silence_set" ] && [ $(( ${exec_time%.*} + 60 )) -gt "$silence" ]; then
		silence=$(( ${exec_time%.*} + 60 ))
	fi
	command -v file >/dev/null && file -L "$exec_file" | grep -q 'dynamically linked' &&
		echo "vm.sh: warning: $exec_file is dynamically linked; the guest has few libraries" >&2
elif [ -n "$exec_time" ]; then
	die "--exec-time is for --exec"
fi
case $oops in
panic) cmdline_oops=oops=panic ;;
continue) cmdline_oops= ;;
*) die "--vm-oops: panic or continue, not '$oops'" ;;
esac

# vmlinux out of vmlinuz: the ELF inside the xz (6.1) or zstd (6.12)
# payload, for a PVH boot.  The decompressors complain about the bytes after
# the payload; what counts is an ELF out.
extract_vmlinux() {
	local img=$1 out=$2 off magic tool
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd'; do
		tool=${magic%%:*}
		off=$(LC_ALL=C grep -obUaP "${magic#*:}" "$img" | head -n 1 | cut -d: -f1)
		[ -n "$off" ] || continue
		tail -c +$((off + 1)) "$img" | "$tool" -dc > "$out" 2>/dev/null
		[ "$(head -c 4 "$out" | od -An -c | tr -d ' ')" = '177ELF' ] && return 0
	done
	return 1
}

# Fetch and unpack kernel $1 once; prints its cache directory.
prepare_debian_kernel() {
	local pkg rel kd
	pkg=$(kernel_image_pkg "$1")
	[ -n "$pkg" ] || die "no Debian kernel package for '${1:-current}'"
	rel=${pkg#linux-image-}
	kd=$cache/kernels/$rel
	if [ ! -s "$kd/vmlinux" ]; then
		mkdir -p "$cache/debs" "$kd"
		if ! ls "$cache/debs/${pkg}_"*.deb >/dev/null 2>&1; then
			say "fetching $pkg"
			apt_download "$cache/debs" "$pkg"
		fi
		rm -rf "$kd/root"
		dpkg-deb -x "$(ls "$cache/debs/${pkg}_"*.deb | head -n 1)" "$kd/root" ||
			die "unpacking $pkg failed"
		extract_vmlinux "$kd/root/boot/vmlinuz-$rel" "$kd/vmlinux.tmp" ||
			die "no xz- or zstd-compressed vmlinux in $pkg"
		mv "$kd/vmlinux.tmp" "$kd/vmlinux"
		ln -sfn "root/lib/modules/$rel" "$kd/modules"
	fi
	echo "$kd"
}

# A kernel the user built: boot vmlinux as is, a bzImage via its vmlinux if we can.
prepare_own_kernel() {
	local kd sum
	sum=$(sha256sum "$kernel" | cut -c1-16)
	# The debug kernel boots as a bzImage (qemu's Linux boot protocol): a
	# KASAN kernel triple-faults on the PVH entry (C code runs there before
	# KASAN's early shadow is mapped).
	kd=$cache/kernels/own-$sum${debug:+-bzimage}
	mkdir -p "$kd"
	if [ ! -e "$kd/vmlinux" ]; then
		if [ "$(head -c 4 "$kernel" | od -An -c | tr -d ' ')" = '177ELF' ] || [ -n "$debug" ] ||
		   ! extract_vmlinux "$kernel" "$kd/vmlinux"; then
			cp "$kernel" "$kd/vmlinux"	# ELF, or a bzImage qemu boots itself
		fi
	fi
	if [ -n "$modules" ]; then
		ln -sfn "$(cd "$modules" && pwd)" "$kd/modules"
	else
		rm -f "$kd/modules"
	fi
	echo "$kd"
}

# One boot of kernel dir $1 with the per-boot files in $2, -smp $3; sets
# how (ok, panic, hang or boot-hang) and rc (qemu's exit code).  The boot
# is verbose (loglevel=7) so that a boot that hangs shows where; the
# guest's init turns the console down to 5 first thing and says so
# ("undertow-vm: init"), which ends the boot.  A guest that says nothing
# for $silence seconds is hung.  A boot hang: one that has not reached its
# init after $boot_bound seconds, or was silent for $boot_silence (at most
# 60 s: a verbose boot's longest gap seen was 27 s, under a load of 8).
boot_guest() {
	local kd=$1 w=$2 smp_n=$3 qpid last=-1 quiet=0 size t0 booted='' boot_silence=$silence
	how=''; t0=$SECONDS
	[ "$boot_silence" -le 60 ] || boot_silence=60
	: > "$w/console.log"
	: > "$w/data.log"
	# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
	# time out and panic the boot ("IO-APIC + timer doesn't work!").
	# In a subshell of its own, whose stderr keeps bash's "Killed" line
	# for a qemu we killed out of ours; qemu's own complaints are shown.
	(qemu-system-x86_64 -accel tcg -smp "$smp_n" -m "$mem" -nodefaults -no-user-config \
		-display none -no-reboot -serial "file:$w/console.log" -serial "file:$w/data.log" \
		-device pvpanic -action panic=exit-failure -kernel "$kd/vmlinux" -initrd "$w/initrd" \
		-append "console=ttyS0 panic=-1 ${cmdline_oops:+$cmdline_oops }loglevel=7 no_timer_check undertow.vm=1"
		exit $?	# (not the last command: bash forks qemu rather than exec it)
	) 2> "$w/qemu.err" &
	qpid=$!
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 1
		size=$(( $(stat -c %s "$w/console.log") + $(stat -c %s "$w/data.log") ))
		if [ "$size" = "$last" ]; then
			quiet=$((quiet + 1))
		else
			quiet=0
			last=$size
			say "$(basename "$kd"): $(grep -a '^# start ' "$w/data.log" | tail -n 1 | cut -c9-)"
		fi
		[ -n "$booted" ] || ! grep -aq '^undertow-vm: init' "$w/console.log" || booted=1
		if [ "$quiet" -ge "$silence" ] || { [ -z "$booted" ] &&
		   { [ $((SECONDS - t0)) -ge "$boot_bound" ] || [ "$quiet" -ge "$boot_silence" ]; }; }; then
			pkill -9 -P "$qpid"
			how=hang
			[ -n "$booted" ] || how=boot-hang
		fi
	done
	wait "$qpid"
	rc=$?
	grep -v ' Killed  *qemu-system' "$w/qemu.err" >&2
	[ -t 2 ] && printf '\r\033[K' >&2
	[ -n "$how" ] || { [ "$rc" -eq 0 ] && how=ok || how=panic; }
}

# boot_guest, again after a boot hang: a kernel that stalls before our init
# ran (seen with the debug kernel under TCG: an early-boot RCU-tasks self
# test waiting for good) has run nothing of ours, so nothing is lost.  At
# most $boot_tries boots; each boot hang is said on stderr with the last
# console line.  Sets how and rc; after the last try a boot hang is a hang.
boot_retrying() {
	local n t
	for ((n = 1; n <= boot_tries; n++)); do
		t=$SECONDS
		boot_guest "$@"
		[ "$how" = boot-hang ] || return 0
		echo "vm.sh: boot $n of $boot_tries hung before the guest's init ran" \
		     "($((SECONDS - t)) s); console ends: $(tail -n 1 "$2/console.log")" >&2
	done
	how=hang
}

# Boot kernel dir $1 with the run's arguments; results under $2; prints the verdict word.
run_vm() {
	local kd=$1 res=$2 smp_n=$3 w initrd m
	w=$(mktemp -d)
	initrd=$(ir_build "$kd" "$top/build/static/undertow" "$overlay_ko") || return 2
	# This boot's own files: the arguments (of the run, or of the watch and
	# its program) and the --kmod modules (in the order given), appended to
	# the cached initramfs.
	mkdir -p "$w/boot/lib/modules/extra"
	if [ -n "$exec_file" ]; then
		mkdir -p "$w/boot/exec"
		cp "$exec_file" "$w/boot/exec/" || return 2
		printf '%s\n' --time "$exec_time" -- "/exec/$(basename "$exec_file")" > "$w/boot/watch.args"
	else
		printf '%s\n' "${args[@]}" |
			awk '$0 != "--results" && prev != "--results" { print } { prev = $0 }' > "$w/boot/args"
	fi
	: > "$w/boot/extra.order"
	if [ -n "$repro_result" ]; then
		mkdir -p "$w/boot/repro" && cp "$repro_result" "$w/boot/repro/" || return 2
	fi
	for m in "${kmods[@]}"; do
		cp "$m" "$w/boot/lib/modules/extra/" || return 2
		basename "$m" >> "$w/boot/extra.order"
	done
	# An instrumented overlay.ko (harness/covko.sh) brings its block map:
	# the guest maps the blocks reached to lines, the report shows them.
	if [ -n "$overlay_ko" ] && [ -f "${overlay_ko%/*}/overlay.map" ]; then
		mkdir -p "$w/boot/covko" && cp "${overlay_ko%/*}/overlay.map" "$w/boot/covko/" || return 2
	fi
	(cd "$w/boot" && find . | cpio -o -H newc --quiet | gzip -1) > "$w/args.cpio.gz"
	cat "$initrd" "$w/args.cpio.gz" > "$w/initrd"
	boot_retrying "$kd" "$w" "$smp_n"
	if [ -n "$exec_file" ]; then
		"$top/undertow" vm-watch "$w/data.log" "$w/console.log" "$how" \
			"/exec/$(basename "$exec_file")"
		rc=$?
		rm -rf "$w"
		return "$rc"
	fi
	if [ -n "$repro_result" ]; then
		collect_repro "$w" "$how"
		rc=$?
		if [ "$rc" -eq 0 ] && [ "$verify" -gt 0 ]; then
			verify_repro
			rc=$?
		fi
	else
		"$top/undertow" vm-collect "$w/data.log" "$w/console.log" "$res" "$how"
		rc=$?
	fi
	cp "$w/console.log" "$res/latest/console.log" 2>/dev/null
	[ -f "$w/boot/covko/overlay.map" ] && cp "$w/boot/covko/overlay.map" "$res/latest/blocks.map" 2>/dev/null
	rm -rf "$w"
	return "$rc"
}

# The guest's repro files go beside RESULT.json; a guest that died says how.
collect_repro() {
	local w=$1 how=$2 rc
	"$top/undertow" unframe "$w/data.log" "$(dirname "$repro_result")/repro"
	rc=$?
	if [ "$how" != ok ]; then
		echo "not ok 1 repro # guest $how; console:"
		tail -n 30 "$w/console.log" | sed 's/^/# /'
		rc=1
	fi
	return "$rc"
}

# The program the guest wrote, in $verify fresh VMs of the same kernel.
verify_repro() {
	local c
	c=$(ls -t "$(dirname "$repro_result")"/repro/*.c 2>/dev/null | head -n 1)
	[ -n "$c" ] || { echo "not ok 1 verify # the guest wrote no program"; return 1; }
	"$top/harness/repro-verify.sh" "$verify" "$verify_s" "$c" "${kopts[@]}"
}

need qemu-system-x86_64 qemu-system-x86
need pkill procps
need busybox busybox-static
need cpio cpio
need zstd zstd
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q dynamic &&
	die "/bin/busybox is dynamic: apt-get install -y busybox-static"
"$top/harness/deps.sh" || exit 2
make -s -C "$top" all static >&2 || die "build failed"

# die() in $(...) only leaves the subshell: check each kernel dir.
if [ -n "$kernel" ]; then
	kd=$(prepare_own_kernel) || exit 2
	run_vm "$kd" "$results" "$smp"
	exit $?
fi
[ ${#versions[@]} -eq 0 ] && versions=("")
if [ ${#versions[@]} -eq 1 ]; then
	kd=$(prepare_debian_kernel "${versions[0]}") || exit 2
	run_vm "$kd" "$results" "$smp"
	exit $?
fi
# Several kernels: one VM each, in parallel, one results directory each.
pids=()
dirs=()
for v in "${versions[@]}"; do
	kd=$(prepare_debian_kernel "$v") || exit 2
	d=$results/$(basename "$kd")
	mkdir -p "$d"
	dirs+=("$d")
	run_vm "$kd" "$d" 1 > "$d.ktap" 2>&1 &
	pids+=($!)
done
rc=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || rc=1
	echo "# ${dirs[$i]}:"
	sed 's/^/  /' "${dirs[$i]}.ktap"
done
for i in "${!dirs[@]}"; do
	[ "$i" -eq 0 ] && continue
	"$top/undertow" diff "${dirs[0]}/latest" "${dirs[$i]}/latest" || rc=1
done
exit "$rc"
