#!/usr/bin/env bash
# Installs what MetaSim needs on a Debian machine that has Swift: the C libraries it links
# (OpenBLAS, libpng, libjpeg, zlib, OpenSSL's libcrypto for SHA-256) and pkg-config. Checks
# first; runs apt-get only when something is missing, so a second run is instant. Needs root (or sudo) only to install.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH; install the Swift 6 toolchain first (https://swift.org/install)" >&2
    exit 1
fi

missing=()
have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
have_pc openblas || missing+=(libopenblas-dev)
have_pc libpng || missing+=(libpng-dev)
have_pc zlib || missing+=(zlib1g-dev)
have_pc libcrypto || missing+=(libssl-dev)
[ -f /usr/include/jpeglib.h ] || [ -f /usr/include/x86_64-linux-gnu/jpeglib.h ] || missing+=(libjpeg-dev)

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_=""
    [ "$(id -u)" -ne 0 ] && sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
