#!/bin/sh
# Run the tests of the e-paper drivers, board profiles, display core,
# framebuffers, terminal, RFB codecs and config loader as ARM builds
# under qemu-user: armv6 (Pi Zero W), armv7 (BeagleBone, 32-bit Pi OS)
# and arm64 (Pi Zero 2 W, 3, 4, 5). Needs qemu-user (qemu-arm and
# qemu-aarch64), which deploy/peers.sh installs.
#
# Usage: deploy/armtest.sh [extra go test flags]
set -eu
cd "$(dirname "$0")/.."

for tool in qemu-arm qemu-aarch64; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "armtest: $tool not found: install qemu-user (deploy/peers.sh)" >&2
		exit 1
	fi
done

pkgs="${ARMTEST_PKGS:-./eink/... ./boards/... ./display ./display/fb ./display/mxcfb ./term ./vnc/rfb ./deploy/config}"
run() {
	echo "armtest: $*" >&2
	env CGO_ENABLED=0 EINKTERM_UNDER_QEMU=1 "$@"
}

run GOARCH=arm GOARM=6 go test -count=1 -exec qemu-arm "$@" $pkgs
run GOARCH=arm GOARM=7 go test -count=1 -exec qemu-arm "$@" $pkgs
run GOARCH=arm64 go test -count=1 -exec qemu-aarch64 "$@" $pkgs
