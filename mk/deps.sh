#!/bin/sh
# deps.sh - install what a fresh Debian machine lacks to build, test,
# lint and benchmark ipckit; only the missing packages, with sudo when
# not root.  Everything here is a Debian package name.
set -eu

build="gcc libc6-dev make pkg-config libbsd-dev libsmartcols-dev"
test="bats bats-support bats-assert mandoc python3 python3-sysv-ipc \
socat netcat-openbsd pv moreutils procps util-linux bsdutils psmisc \
iproute2 shellcheck coreutils valgrind graphviz lsof jq fish"
pkgs="$build $test"
# "deps.sh fuzz" / "deps.sh bench": what make fuzz / make bench need on top
case ${1:-} in
fuzz)	pkgs="clang libclang-rt-14-dev" ;;
bench)	pkgs="parallel lsof gnuplot-nox" ;;
esac

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case $st in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
