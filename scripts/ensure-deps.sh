#!/bin/sh
# Make sure the tools the sanitizer test runs need are installed: clang and
# its sanitizer runtimes, and prove (perl).  On Debian 12 they are packages;
# this installs them when missing and we are root, else says what to install.
set -e
missing=""
command -v prove >/dev/null 2>&1 || missing="$missing perl"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
if command -v clang >/dev/null 2>&1; then
	tmp=$(mktemp -d)
	echo 'int main(void){return 0;}' > "$tmp/t.c"
	if ! clang -fsanitize=address,undefined "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1 ||
	   ! clang -fsanitize=thread "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1; then
		missing="$missing libclang-rt-dev"
	fi
	rm -rf "$tmp"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "ensure-deps: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
	echo "ensure-deps: please install:$missing (Debian packages)" >&2
	exit 1
fi
