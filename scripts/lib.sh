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

# tock_debian_kernel NAME: set up a Debian 12 stock kernel for the guest set
# up by tock_arch_setup.  NAME is debian-6.1 (the newest 6.1.0-ABI the
# archive has), debian-6.1.0-ABI, or one of bookworm's 6.12 kernels, newest
# version: debian-6.12 (the generic flavour), debian-6.12-rt (PREEMPT_RT)
# or, on arm64, debian-6.12-16k (16 KiB pages).  Downloads the unsigned
# image package once and keeps the extracted image under
# $TOCK_CACHE/debian/, installs the matching headers package, and sets
# TOCK_DEB_RELEASE (the image's uname -r), TOCK_DEB_IMAGE (the image to
# boot), TOCK_DEB_KDIR (the headers' build directory, which modules for
# that image are built against) and TOCK_DEB_MODULES (a directory with the
# image's own uleds and uinput modules, for the LED and button tests).
tock_debian_kernel() {
	local name=$1 flavour=$TOCK_DEBARCH version pkg dir tmp deb foreign=
	local kbuild common
	# A foreign architecture's packages are downloaded, never installed.
	[ "$TOCK_DEBARCH" = "$(dpkg --print-architecture)" ] ||
		foreign=:$TOCK_DEBARCH
	case "$name" in
	debian-6.1 | debian-6.1.0-[0-9]*)
		version=${name#debian-6.1}
		version=${version#.0-}
		case "$version" in *[!0-9]*) tock_die "bad ABI in '$name'" ;; esac
		[ -n "$version" ] ||
			version=$(tock_debian_newest "6\\.1\\.0-" "[0-9]+" "-$flavour")
		version=6.1.0-$version
		kbuild=linux-kbuild-6.1
		common=linux-headers-$version-common
		;;
	debian-6.12 | debian-6.12-rt | debian-6.12-16k)
		case "$name" in
		*-rt) flavour=rt-$TOCK_DEBARCH ;;
		*-16k)
			[ "$TOCK_DEBARCH" = arm64 ] ||
				tock_die "$name: 16 KiB pages are an arm64 flavour"
			flavour=arm64-16k
			;;
		esac
		version=6.12.$(tock_debian_newest "6\\.12\\." "[0-9]+" \
			"\\+deb12-$flavour")+deb12
		kbuild=linux-kbuild-$version
		common=linux-headers-$version-common
		[ "$name" != debian-6.12-rt ] || common=$common-rt
		;;
	*) tock_die "unknown kernel '$name' (test, bench, debian-6.1, debian-6.1.0-ABI, debian-6.12, debian-6.12-rt, debian-6.12-16k)" ;;
	esac
	TOCK_DEB_RELEASE=$version-$flavour
	pkg=linux-image-$TOCK_DEB_RELEASE-unsigned
	dir=$TOCK_CACHE/debian/$TOCK_DEB_RELEASE
	TOCK_DEB_IMAGE=$dir/vmlinuz-$TOCK_DEB_RELEASE
	TOCK_DEB_MODULES=$dir/modules
	if [ ! -f "$dir/.extracted-2" ]; then
		tock_log "downloading $pkg (once)"
		tmp=$(mktemp -d)
		# apt's sandbox user must be able to write the download directory.
		chmod 0777 "$tmp"
		(cd "$tmp" && apt-get download -qq "$pkg$foreign" >&2) ||
			tock_die "cannot download $pkg$foreign"
		deb=$(echo "$tmp"/linux-image-*.deb)
		dpkg-deb -x "$deb" "$tmp/x" || tock_die "cannot unpack $deb"
		rm -rf "$dir" && mkdir -p "$dir"
		# The image and its configuration.  Not its modules: what the
		# guest uses (serial console, devtmpfs, tmpfs, initramfs) is
		# built in.
		cp "$tmp/x/boot/vmlinuz-$TOCK_DEB_RELEASE" \
			"$tmp/x/boot/config-$TOCK_DEB_RELEASE" "$dir/"
		# And the modules that stand in for a board's LEDs and
		# buttons, which Debian builds as modules.
		mkdir -p "$TOCK_DEB_MODULES"
		find "$tmp/x/lib/modules" \( -name 'uleds.ko*' -o \
			-name 'uinput.ko*' \) -exec cp '{}' "$TOCK_DEB_MODULES/" ';'
		for m in "$TOCK_DEB_MODULES"/*.ko.xz; do
			[ ! -f "$m" ] || xz -d "$m"
		done
		for m in "$TOCK_DEB_MODULES"/*.ko.zst; do
			[ ! -f "$m" ] || zstd -q -d --rm "$m"
		done
		rm -rf "$tmp"
		touch "$dir/.extracted-2"
	fi
	if [ -z "$foreign" ]; then
		tock_need_pkgs "linux-headers-$TOCK_DEB_RELEASE"
		TOCK_DEB_KDIR=/usr/src/linux-headers-$TOCK_DEB_RELEASE
	else
		tock_debian_foreign_headers "$dir" "$kbuild" "$common"
	fi
	[ -f "$TOCK_DEB_KDIR/Makefile" ] || tock_die "no $TOCK_DEB_KDIR"
}

# tock_debian_newest PREFIX VERSION SUFFIX: the newest VERSION (a regular
# expression) of linux-image-PREFIX VERSION SUFFIX-unsigned in the archive,
# else the newest such image already in the cache (offline).
tock_debian_newest() {
	local v
	v=$(apt-cache search --names-only "^linux-image-$1$2$3-unsigned\$" \
		2>/dev/null | sed -E -n "s/^linux-image-$1($2)$3-unsigned .*/\\1/p" |
		sort -V | tail -1)
	[ -n "$v" ] || v=$(ls "$TOCK_CACHE/debian" 2>/dev/null |
		sed -E -n "s/^$1($2)$3\$/\\1/p" | sort -V | tail -1)
	[ -n "$v" ] || tock_die "no linux-image-$1*$3-unsigned in the archive (apt-get update?)"
	echo "$v"
}

# tock_debian_foreign_headers DIR KBUILD COMMON: a foreign architecture's
# headers package cannot be installed beside the host's: its kbuild tools
# are that architecture's programs.  Unpack it into DIR/headers once and
# point it at the host's own kbuild tools (package KBUILD: the same
# sources, built for the host), with the architecture-independent common
# headers (package COMMON) installed.
tock_debian_foreign_headers() {
	local dir=$1 kbuild=$2 pkg tmp deb
	pkg=linux-headers-$TOCK_DEB_RELEASE
	tock_need_pkgs "$kbuild" "$3"
	TOCK_DEB_KDIR=$dir/headers/usr/src/$pkg
	[ -f "$dir/.headers" ] && return 0
	tock_log "downloading $pkg:$TOCK_DEBARCH (once)"
	tmp=$(mktemp -d)
	chmod 0777 "$tmp"
	(cd "$tmp" && apt-get download -qq "$pkg:$TOCK_DEBARCH" >&2) ||
		tock_die "cannot download $pkg:$TOCK_DEBARCH"
	deb=$(echo "$tmp"/linux-headers-*.deb)
	rm -rf "$dir/headers"
	dpkg-deb -x "$deb" "$dir/headers" || tock_die "cannot unpack $deb"
	rm -rf "$tmp"
	ln -sfn "/usr/lib/$kbuild/scripts" "$TOCK_DEB_KDIR/scripts"
	ln -sfn "/usr/lib/$kbuild/tools" "$TOCK_DEB_KDIR/tools"
	touch "$dir/.headers"
}
