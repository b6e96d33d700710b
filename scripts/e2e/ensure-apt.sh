#!/bin/bash
# Installs the given Debian packages with apt-get, but only those that are not installed yet.
# usage: scripts/e2e/ensure-apt.sh pkg...      (sourced or executed; needs root when something is missing)
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[ensure-apt] installing: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo; command -v sudo >/dev/null || { echo "[ensure-apt] not root and no sudo: install ${missing[*]} by hand" >&2; exit 1; }
else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
# A clean machine may have no package lists yet: update only when the first attempt fails.
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/tmp/ensure-apt.$$.log 2>&1 || {
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/tmp/ensure-apt.$$.log 2>&1 || { tail -30 /tmp/ensure-apt.$$.log; rm -f /tmp/ensure-apt.$$.log; exit 1; }
}
rm -f /tmp/ensure-apt.$$.log
