#!/usr/bin/env bash
# Installs Blender for the external-renderer bridge (bridges/blender/) when it is missing:
# checks for `blender` on PATH first, otherwise `apt-get install -y blender` (Debian 12 ships
# 3.4.1; the bridge needs >= 2.93 for the Python API it uses). Debian's Blender runs on the
# system Python, and its glTF exporter imports numpy, which `--no-install-recommends` leaves
# out: python3-numpy is installed too when Blender's Python cannot import numpy.
# Non-interactive; uses sudo only when not root. Exit 0 when `blender --version` works and its
# Python imports numpy afterwards, 1 otherwise.
set -euo pipefail

blender_numpy() {
    blender -b --factory-startup -noaudio --python-exit-code 1 --python-expr "import numpy" >/dev/null 2>&1
}
missing=()
command -v blender >/dev/null 2>&1 || missing+=(blender python3-numpy)
if [ ${#missing[@]} -eq 0 ] && ! blender_numpy; then missing+=(python3-numpy); fi
if [ ${#missing[@]} -eq 0 ]; then
    blender --version 2>/dev/null | head -1
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-blender: ${missing[*]} missing and apt-get is not available: install Blender (>= 2.93) with numpy for its Python yourself" >&2
    exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup-blender: not root and sudo is missing: run 'apt-get install -y ${missing[*]}' as root" >&2
        exit 1
    fi
    as_root=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if ! blender --version >/dev/null 2>&1; then
    echo "setup-blender: blender was installed but 'blender --version' fails" >&2
    exit 1
fi
if ! blender_numpy; then
    echo "setup-blender: Blender's Python cannot import numpy after installing python3-numpy" >&2
    exit 1
fi
blender --version 2>/dev/null | head -1
