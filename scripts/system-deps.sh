#!/usr/bin/env bash
# Installs what the tests need from outside npm: Postgres (server binaries),
# Chromium, ripgrep, systemd-analyze and Caddy, from Debian packages, when they are missing. Needs root (or
# sudo); skips quietly what is already there.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# OpenCode's grep/glob tools use ripgrep; without it OpenCode tries to download it.
command -v rg >/dev/null || need+=(ripgrep)
# The deploy/ tests check the systemd unit and the Caddyfile with their own tools.
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v caddy >/dev/null || need+=(caddy)
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "system-deps: need ${need[*]} but am not root and have no sudo; install them with apt-get." >&2
    exit 1
  fi
fi
echo "system-deps: installing ${need[*]} from Debian packages"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian package starts a cluster of its own; tests make throwaway ones.
if [[ " ${need[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null; then
  $SUDO pg_ctlcluster --force "$(ls /usr/lib/postgresql | sort -n | tail -1)" main stop >/dev/null 2>&1 || true
fi
