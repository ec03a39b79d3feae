#!/bin/sh
# Make sure the allocators bench/slab compares kmm with are installed:
# mimalloc, jemalloc and tcmalloc (Debian 12: libmimalloc-dev,
# libjemalloc-dev, libgoogle-perftools-dev).  Installs the missing ones when
# we are root and have apt-get; otherwise says what to install.  Never fails:
# the benchmark skips an allocator that is still missing.
missing=""
have() {
	tmp=$(mktemp -d) || return 1
	echo 'int main(void){return 0;}' > "$tmp/t.c"
	${CC:-cc} "$tmp/t.c" -o "$tmp/t" -l"$1" >/dev/null 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}
have mimalloc || missing="$missing libmimalloc-dev"
have jemalloc || missing="$missing libjemalloc-dev"
have tcmalloc_minimal || missing="$missing libgoogle-perftools-dev"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "ensure-bench-deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq $missing >/dev/null 2>&1 ||
	{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $missing >/dev/null 2>&1; } ||
	echo "ensure-bench-deps: could not install$missing; those allocators will be skipped" >&2
else
	echo "ensure-bench-deps: not installed:$missing (Debian packages); those allocators will be skipped" >&2
fi
exit 0
