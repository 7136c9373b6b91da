#!/usr/bin/env bash
# Installs the Debian packages the test suite uses on a fresh Debian 12 machine (idempotent, needs root or sudo):
#   ffmpeg            makes test media (mp4/mp3/ogg) and probes rendered files
#   wesnoth-music     a real, GPL music recording for the audio front-end parity tests
#   espeak-ng         voice-over for the generated annotate test videos
#   python3-torch*    Debian's PyTorch 1.13 (what the reference pins): proves our .pt files load with torch.load
#   python3-onnx      builds tiny ONNX encoder fixtures
#   chromium          headless browser test of the web page
set -euo pipefail
pkgs=(ffmpeg wesnoth-music espeak-ng python3-numpy python3-torch python3-torchaudio python3-torchvision python3-onnx chromium chromium-driver)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present"
  exit 0
fi
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
