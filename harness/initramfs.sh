# shellcheck shell=bash
# initramfs.sh - the VM runner's initramfs, cached per kernel; sourced by
# vm.sh (after harness/lib.sh), never run:
#
#   ir_build KDIR BIN [OVERLAY_KO]   print the cached initramfs for kernel
#                                    dir KDIR with undertow binary BIN
#
# It holds busybox-static, BIN (static), harness/vm-init.sh as /init, the
# host's mkfs.ext4, mkfs.xfs and mkfs.btrfs with their shared libraries
# and the loader (Debian ships none of them static), and the kernel's
# modules for overlay, fuse, loop, ext4, xfs, btrfs and pvpanic with their
# dependencies, hard and soft (crc32c and the other checksum drivers that
# libcrc32c, ext4 and btrfs ask the crypto API for), decompressed.  The
# cache key covers every host file that goes in and this recipe, so a new
# binary, init, mkfs or change here makes a new image; images unused for
# two days are removed when a new one is made.

ir_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ir_modules=(overlay fuse loop ext4 xfs btrfs pvpanic pvpanic_mmio)
# mkfs command and its Debian package, for the loop backends.
ir_progs=(mkfs.ext4:e2fsprogs mkfs.xfs:xfsprogs mkfs.btrfs:btrfs-progs)

# The shared libraries and loader program $1 needs, one path a line.
ir_libs() {
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

# Host files that go in, besides the kernel's modules: "SRC DEST" lines.
ir_host_files() {
	local p cmd f l
	echo "/bin/busybox /bin/busybox"
	echo "/etc/mke2fs.conf /etc/mke2fs.conf"
	for p in "${ir_progs[@]}"; do
		cmd=${p%%:*}
		need "$cmd" "${p#*:}"
		f=$(command -v "$cmd")
		echo "$f /bin/$cmd"
		for l in $(ir_libs "$f"); do
			echo "$l $l"
		done
	done | sort -u
}

# Module files of kernel modules dir $1 that provide crypto alias $2 (a
# softdep names "crc32c", "crypto-crc32c", "blake2b-256").  The index of
# the crypto modules' aliases is made once per kernel.
ir_alias_providers() {
	local mods=$1 idx=$ir_kd/crypto-aliases f
	if [ ! -s "$idx" ]; then
		find "$mods/kernel/crypto" "$mods/kernel/arch" -path '*crypto*' -name '*.ko*' |
		while read -r f; do
			case $f in
			*.xz) xz -dc "$f" ;;
			*.zst) zstd -qdc "$f" ;;
			*) cat "$f" ;;
			esac | grep -ao 'alias=[^[:cntrl:]]*' | sed "s|^alias=||; s|\$| $f|"
		done > "$idx.tmp" && mv "$idx.tmp" "$idx"
	fi
	awk -v a="$2" '$1 == a || $1 == "crypto-" a || "crypto-" $1 == a { print $2 }' "$idx" | sort -u
}

# The module's name from its file name.
ir_mod_name() {
	basename "$1" | sed -E 's/\.ko(\.xz|\.zst)?$//'
}

# Stage module file $2 of modules dir $1 into $3: its soft pre-dependencies
# and its dependencies first (its own depends= and softdep= fields: Debian
# ships no modules.dep), then itself in modules.order.
ir_stage_file() {
	local mods=$1 f=$2 stage=$3 base d p raw
	base=$(ir_mod_name "$f").ko
	grep -qx "$base" "$stage/modules.order.taken" && return 0
	raw=$stage/lib/modules/$base
	[ "$base" = overlay.ko ] && [ -n "$ir_overlay_ko" ] && f=$ir_overlay_ko
	case $f in
	*.xz) xz -dc "$f" > "$raw" ;;
	*.zst) zstd -qdc "$f" > "$raw" ;;
	*) cp "$f" "$raw" ;;
	esac
	# Mark it taken before recursing: dependency loops end here.
	echo "$base" >> "$stage/modules.order.taken"
	for d in $(grep -ao 'softdep=pre:[^[:cntrl:]]*' "$raw" | sed 's/^softdep=pre://; s/post:.*//'); do
		for p in $(ir_alias_providers "$mods" "$d"); do
			ir_stage_file "$mods" "$p" "$stage"
		done
	done
	for d in $(grep -ao 'depends=[a-z0-9_,-]*' "$raw" | head -n 1 | cut -d= -f2 | tr , ' '); do
		ir_stage_module "$mods" "$d" "$stage"
	done
	echo "$base" >> "$stage/modules.order"
}

# Stage module $2 by name; nothing if it is built in or not in this kernel.
ir_stage_module() {
	local mods=$1 name=$2 stage=$3 f
	f=$(find "$mods/kernel" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \) 2>/dev/null |
	    head -n 1)
	[ -n "$f" ] || return 0
	ir_stage_file "$mods" "$f" "$stage"
}

# Copy the "SRC DEST" lines of stdin into stage $1.
ir_copy_files() {
	local stage=$1 src dest
	while read -r src dest; do
		mkdir -p "$stage$(dirname "$dest")"
		cp -L "$src" "$stage$dest" || return 1
	done
}

ir_build() {
	local kd=$1 bin=$2 files sum out stage m
	ir_kd=$kd
	ir_overlay_ko=${3:-}
	files=$(ir_host_files) || return 1
	sum=$( (cut -d' ' -f1 <<<"$files" | xargs sha256sum
		sha256sum "$bin" "$ir_top/harness/vm-init.sh" "${BASH_SOURCE[0]}" \
			${ir_overlay_ko:+"$ir_overlay_ko"}) | sha256sum | cut -c1-16)
	out=$kd/initramfs-$sum.cpio.gz
	# mtime is the last use: images no build has used for 2 days go.
	if [ -s "$out" ]; then
		touch "$out"
		echo "$out"
		return
	fi
	find "$kd" -maxdepth 1 -name 'initramfs-*.cpio.gz' -mtime +2 -delete 2>/dev/null
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,proc,sys,dev,tmp,lib/modules}
	ir_copy_files "$stage" <<<"$files" || { rm -rf "$stage"; return 1; }
	cp "$bin" "$stage/undertow"
	cp "$ir_top/harness/vm-init.sh" "$stage/init"
	chmod 755 "$stage/init"
	: > "$stage/modules.order"
	: > "$stage/modules.order.taken"
	if [ -d "$kd/modules/kernel" ]; then
		for m in "${ir_modules[@]}"; do
			ir_stage_module "$kd/modules" "$m" "$stage"
		done
	fi
	rm -f "$stage/modules.order.taken"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp.$$" &&
		mv "$out.tmp.$$" "$out"
	rm -rf "$stage"
	echo "$out"
}
