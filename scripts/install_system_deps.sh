#!/usr/bin/env bash
# Debian libraries Qt needs (offscreen and xcb platforms). Installs only what is missing, and
# only when run as root with apt-get available; otherwise says what to install.
set -euo pipefail
packages=(libgl1 libegl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3
          libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1
          libxcb-xfixes0 libx11-xcb1 libxrender1 fonts-dejavu-core)
command -v dpkg-query >/dev/null || exit 0
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing Qt system libraries: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Qt needs these system packages; please install them: ${missing[*]}" >&2
fi
