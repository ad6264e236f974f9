#!/usr/bin/env bash
# Installs what the tests need (Debian packages, npm dependencies) and runs every check.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v dciodvfy >/dev/null || need_apt+=(dicom3tools)
/usr/bin/python3 -c 'import pydicom, numpy, gdcm' 2>/dev/null || need_apt+=(python3-pydicom python3-numpy python3-gdcm)
# PyTorch makes the reference RetinaNet models the inference tests compare against (training/reference).
/usr/bin/python3 -c 'import torch, torchvision, onnx' 2>/dev/null || need_apt+=(python3-torch python3-torchvision python3-onnx)
/usr/bin/python3 -c 'import pytest' 2>/dev/null || need_apt+=(python3-pytest)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need_apt[*]} (run as root or install them)" >&2
    exit 1
  fi
fi

# Electron's binary is fetched at first launch, never at install; onnxruntime's CUDA files are skipped (.npmrc).
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund
npm test
