#!/usr/bin/env bash
# Installs the Debian packages the release's tests use, when missing: qemu-user with an arm64 glibc (to run the
# linux-arm64 plugin here) and llvm-strip (to strip the linux plugins of other architectures). As root, with
# apt-get; otherwise it says what to install and the tests that need them fail saying so.
set -euo pipefail
missing=()
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
[[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]] || missing+=(libc6-arm64-cross)
[[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]] || missing+=(libstdc++6-arm64-cross)
command -v llvm-strip >/dev/null 2>&1 || missing+=(llvm)
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system-deps: apt-get install ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
else
  echo "ensure-system-deps: the release tests need these Debian packages: ${missing[*]} (apt-get install them)" >&2
fi
