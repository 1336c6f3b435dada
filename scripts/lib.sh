# SPDX-License-Identifier: GPL-2.0
# Shared settings for the tockallow test tooling; sourced, never run.

TOCK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOCK_CACHE=${TOCKALLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tockallow}
TOCK_SRC_PKG=linux-source-6.12

tock_die() {
	echo "${0##*/}: $*" >&2
	exit 2
}

tock_log() {
	echo "${0##*/}: $*" >&2
}

# tock_arch_setup ARCH: set the variables that describe a guest architecture.
tock_arch_setup() {
	TOCK_ARCH=$1
	case "$TOCK_ARCH" in
	x86_64)
		TOCK_KARCH=x86_64
		TOCK_DEBARCH=amd64
		TOCK_CROSS=
		TOCK_CC=gcc
		TOCK_IMAGE=arch/x86/boot/bzImage
		TOCK_QEMU=qemu-system-x86_64
		TOCK_QEMU_ARGS=(-M q35 -cpu max)
		TOCK_CONSOLE=ttyS0
		;;
	arm64 | aarch64)
		TOCK_ARCH=arm64
		TOCK_KARCH=arm64
		TOCK_DEBARCH=arm64
		TOCK_CROSS=aarch64-linux-gnu-
		TOCK_CC=aarch64-linux-gnu-gcc
		TOCK_IMAGE=arch/arm64/boot/Image
		TOCK_QEMU=qemu-system-aarch64
		TOCK_QEMU_ARGS=(-M virt -cpu max,pauth-impdef=on)
		TOCK_CONSOLE=ttyAMA0
		;;
	*)
		tock_die "unknown architecture '$1' (x86_64 or arm64)"
		;;
	esac
}

# tock_need_pkgs PKG...: install the Debian packages that are missing.
tock_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || tock_die "please install: ${missing[*]}"
	tock_log "installing ${missing[*]}"
	apt-get update -qq >&2 || tock_die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2 ||
		tock_die "apt-get install ${missing[*]} failed"
}

# tock_kernel_source: unpack Debian's kernel source once; print its path.
tock_kernel_source() {
	local ver dir tarball
	tock_need_pkgs "$TOCK_SRC_PKG"
	ver=$(dpkg-query -W -f='${Version}' "$TOCK_SRC_PKG")
	dir=$TOCK_CACHE/src/$TOCK_SRC_PKG-$ver
	if [ ! -f "$dir/.unpacked" ]; then
		tarball=/usr/src/$TOCK_SRC_PKG.tar.xz
		tock_log "unpacking $tarball"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir" --strip-components=1 ||
			tock_die "cannot unpack $tarball"
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}

# tock_host_arch: the host's architecture, spelled as tock_arch_setup wants.
tock_host_arch() {
	case "$(uname -m)" in
	aarch64 | arm64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# tock_busybox: print the path of a static busybox for the guest set up by
# tock_arch_setup.  A foreign architecture's package is downloaded (never
# installed) and the binary cached.
tock_busybox() {
	local dir=$TOCK_CACHE/busybox-$TOCK_DEBARCH tmp deb
	if [ "$TOCK_DEBARCH" = "$(dpkg --print-architecture)" ]; then
		tock_need_pkgs busybox-static
		echo /bin/busybox
		return 0
	fi
	if [ ! -x "$dir/busybox" ]; then
		# apt only knows a foreign package once its architecture is added.
		if ! apt-cache show "busybox-static:$TOCK_DEBARCH" >/dev/null 2>&1; then
			[ "$(id -u)" -eq 0 ] ||
				tock_die "run as root once (dpkg --add-architecture $TOCK_DEBARCH)"
			tock_log "adding the $TOCK_DEBARCH package architecture"
			dpkg --add-architecture "$TOCK_DEBARCH"
			apt-get update -qq >&2 || tock_die "apt-get update failed"
		fi
		tmp=$(mktemp -d)
		# apt's sandbox user must be able to write the download directory.
		chmod 0777 "$tmp"
		(cd "$tmp" && apt-get download -qq "busybox-static:$TOCK_DEBARCH" >&2) ||
			tock_die "cannot download busybox-static:$TOCK_DEBARCH"
		deb=$(echo "$tmp"/busybox-static_*.deb)
		dpkg-deb -x "$deb" "$tmp/x" || tock_die "cannot unpack $deb"
		mkdir -p "$dir"
		cp "$tmp/x/bin/busybox" "$dir/busybox.new"
		mv "$dir/busybox.new" "$dir/busybox"
		rm -rf "$tmp"
	fi
	echo "$dir/busybox"
}

# tock_ksft_inc: print a directory holding the kernel's kselftest headers
# (kselftest_harness.h, kselftest.h), taken from the unpacked source.
tock_ksft_inc() {
	local src dir h
	src=$(tock_kernel_source)
	dir=$TOCK_CACHE/ksft/${src##*/}
	if [ ! -f "$dir/kselftest_harness.h" ]; then
		mkdir -p "$dir"
		for h in kselftest.h kselftest_harness.h; do
			cp "$src/tools/testing/selftests/$h" "$dir/$h.new"
			mv "$dir/$h.new" "$dir/$h"
		done
	fi
	echo "$dir"
}
