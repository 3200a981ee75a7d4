#!/usr/bin/env bash
# Installs the Debian packages that einkterm's tests run against (sshd,
# Xvnc, x11vnc, Xvfb, qemu-user, mtools and others) when run as root, then
# checks that every peer command is present. Under CI=true a missing peer
# is an error; elsewhere it is reported and the tests that need it skip.
set -u

packages=(
  openssh-server openssh-client tigervnc-standalone-server tigervnc-tools
  x11vnc xvfb xterm x11-xserver-utils x11-apps xdotool imagemagick
  vttest tmux qemu-user mtools dosfstools fdisk parted e2fsprogs
  vncsnapshot tigervnc-viewer
)

# Each peer command and the package that provides it.
commands=(
  sshd:openssh-server ssh-keygen:openssh-client ssh-agent:openssh-client
  Xvnc:tigervnc-standalone-server vncpasswd:tigervnc-tools
  x11vnc:x11vnc Xvfb:xvfb xterm:xterm xsetroot:x11-xserver-utils
  xrandr:x11-xserver-utils xdotool:xdotool import:imagemagick
  vttest:vttest tmux:tmux qemu-arm:qemu-user qemu-aarch64:qemu-user
  mcopy:mtools mkfs.vfat:dosfstools sfdisk:fdisk mkfs.ext4:e2fsprogs
  debugfs:e2fsprogs vncsnapshot:vncsnapshot xtigervncviewer:tigervnc-viewer
)

missing() {
  local out=() entry
  for entry in "${commands[@]}"; do
    PATH="$PATH:/usr/sbin:/sbin" command -v "${entry%%:*}" >/dev/null 2>&1 ||
      out+=("$entry")
  done
  printf '%s\n' "${out[@]}"
}

if [ -n "$(missing)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "peers: installing test packages with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >/tmp/einkterm-peers.log 2>&1; then
    echo "peers: apt-get failed; its output is in /tmp/einkterm-peers.log" >&2
  fi
fi

left=$(missing)
if [ -n "$left" ]; then
  echo "peers: missing commands (command:package):" $left >&2
  if [ "${CI:-}" = true ]; then
    echo "peers: CI=true needs every peer; install the packages above as root" >&2
    exit 1
  fi
  echo "peers: tests that need them will skip; run 'make test' as root to install them" >&2
fi
exit 0
