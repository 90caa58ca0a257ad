#!/bin/sh
# Installs everything zoobench needs to build and to run its test suite, on Debian 12, as root.
# Build: libraries.  Tests: the Python oracles (/usr/bin/python3), valgrind, clang and its
# sanitizer/libFuzzer runtimes (libclang-rt-14-dev), node/npm.
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Node.js may already come from another repository (NodeSource's nodejs
# conflicts with Debian's npm package); install Debian's only when absent.
node_pkgs=""
command -v node >/dev/null 2>&1 || node_pkgs="nodejs"
command -v npm >/dev/null 2>&1 || node_pkgs="$node_pkgs npm"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends \
    build-essential pkg-config ca-certificates \
    libcurl4-openssl-dev libzip-dev zlib1g-dev libjpeg62-turbo-dev libpng-dev \
    libarchive-dev libmatio-dev \
    python3 python3-numpy python3-pil python3-h5py python3-torch python3-torchvision \
    python3-keras-applications python3-pandas python3-scipy \
    openmpi-bin libopenmpi-dev \
    darknet valgrind clang libclang-rt-14-dev $node_pkgs >/dev/null
# Node packages used only as test oracles (TF.js Keras semantics).
if [ -f tests/oracle/package.json ]; then
    (cd tests/oracle && npm ci --no-audit --no-fund --loglevel=error)
fi
