#!/usr/bin/env bash
# The Debian packages dockgraph's sandbox daemon and end-to-end tests need. Plain bash, because CI runs it
# before `npm ci`. Missing packages are installed with apt-get when running as root (one update, one
# install); otherwise it stops and prints the command to run.
#
#   scripts/system-packages.sh [--check] [docker] [busybox] [chromium]     (default: all three)
#     docker    docker.io        dockerd and the docker CLI
#     busybox   busybox-static   a statically linked busybox (the seed's images are FROM scratch)
#     chromium  chromium         /usr/bin/chromium for Playwright
#   --check     only report; exit 1 when something is missing
set -euo pipefail

check_only=0
needs=()
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    docker | busybox | chromium) needs+=("$arg") ;;
    -h | --help) sed -n "2,10p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "system-packages: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
[ "${#needs[@]}" -eq 0 ] && needs=(docker busybox chromium)

# dockerd lives in sbin, which a non-login PATH often lacks.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

package_of() {
  case "$1" in
    docker) echo docker.io ;;
    busybox) echo busybox-static ;;
    chromium) echo chromium ;;
  esac
}

# Prints what is wrong; returns 0 when the need is met.
problem_of() {
  case "$1" in
    docker)
      command -v dockerd >/dev/null 2>&1 || { echo "dockerd not found"; return 1; }
      command -v docker >/dev/null 2>&1 || { echo "docker CLI not found"; return 1; }
      ;;
    busybox)
      local busybox
      busybox="$(command -v busybox 2>/dev/null)" || { echo "busybox not found"; return 1; }
      # ldd fails on a static executable: that is the one we want.
      if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then echo "$busybox is dynamically linked"; return 1; fi
      ;;
    chromium)
      [ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium not found"; return 1; }
      ;;
  esac
  return 0
}

missing=()
report() {
  missing=()
  local need reason
  for need in "${needs[@]}"; do
    if reason="$(problem_of "$need")"; then
      [ "$1" = verbose ] && printf 'ok       %-15s\n' "$(package_of "$need")"
    else
      missing+=("$(package_of "$need")")
      printf 'missing  %-15s %s\n' "$(package_of "$need")" "$reason"
    fi
  done
  return 0
}

if [ "$check_only" -eq 1 ]; then
  report verbose
  [ "${#missing[@]}" -eq 0 ]
  exit
fi

report quiet
[ "${#missing[@]}" -eq 0 ] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "${EUID:-$(id -u)}" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them as root:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}, and apt-get is not available: install them with your package manager." >&2
  exit 1
fi

echo "Installing missing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"

report quiet
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Still missing after apt-get: ${missing[*]}" >&2
  exit 1
fi
echo "System packages installed."
