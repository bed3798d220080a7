# map.awk - addr2line -a -f -i output into block map lines (covko.sh):
# per address, "OFFSET FUNCTION FILE LINE" with OFFSET the hook's return
# address (the call's first byte + 5, + the section's offset in the
# module's core, -v base) less the hook's address (-v anchor),
# and the first frame of the inline chain whose file is in fs/overlayfs.
function hex(s,    v, i, c) {
	sub(/^0x/, "", s)
	v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1)))
		v = v * 16 + c - 1
	}
	return v
}
function flush() {
	if (addr == "")
		return
	if (pick == "")
		pick = "? ?:0"
	split(pick, p, " ")
	n = split(p[2], fl, ":")
	printf "%d %s %s %d\n", base + addr + 5 - hex(anchor), p[1], fl[1], fl[n] + 0
}
/^0x/ { flush(); addr = hex($1); pick = ""; fn = ""; next }
fn == "" { fn = $1; next }
{
	loc = $1
	sub(/^.*\/fs\/overlayfs\//, "fs/overlayfs/", loc)
	if (pick == "" && loc ~ /^fs\/overlayfs\//)
		pick = fn " " loc
	fn = ""
}
END { flush() }
