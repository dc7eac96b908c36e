#!/usr/bin/env bash
# Installs Blender for the external-renderer bridge (bridges/blender/) when it is missing:
# checks for `blender` on PATH first, otherwise `apt-get install -y blender` (Debian 12 ships
# 3.4.1; the bridge needs >= 2.93 for the Python API it uses). Non-interactive; uses sudo only
# when not root. Exit 0 when `blender --version` works afterwards, 1 otherwise.
set -euo pipefail

if command -v blender >/dev/null 2>&1; then
    blender --version 2>/dev/null | head -1
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-blender: blender is not on PATH and apt-get is not available: install Blender (>= 2.93) yourself" >&2
    exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup-blender: not root and sudo is missing: run 'apt-get install -y blender' as root" >&2
        exit 1
    fi
    as_root=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends blender >/dev/null
if ! blender --version >/dev/null 2>&1; then
    echo "setup-blender: blender was installed but 'blender --version' fails" >&2
    exit 1
fi
blender --version 2>/dev/null | head -1
