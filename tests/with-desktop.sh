#!/usr/bin/env bash
# Runs a command inside what the window tests need: a virtual display (Xvfb), a D-Bus session,
# and a real, unlocked Secret Service (gnome-keyring) whose keyring lives in a fresh folder.
# Usage: tests/with-desktop.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${GATEHOUSE_IN_DBUS:-}" ]; then
  export GATEHOUSE_IN_DBUS=1
  exec dbus-run-session -- "$0" "$@"
fi

keyring_home=$(mktemp -d)
display_num=$((90 + RANDOM % 100))
while [ -e "/tmp/.X11-unix/X${display_num}" ]; do display_num=$((display_num + 1)); done

Xvfb ":${display_num}" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
cleanup() {
  kill "$xvfb_pid" 2>/dev/null || true
  [ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null || true
  rm -rf "$keyring_home"
}
trap cleanup EXIT
export DISPLAY=":${display_num}"
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display_num}" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X${display_num}" ] || { echo "with-desktop: Xvfb did not start" >&2; exit 1; }

# A keyring made earlier with another password would stay locked: use a fresh one.
eval "$(echo -n gatehouse-test | XDG_DATA_HOME="$keyring_home" \
  gnome-keyring-daemon --unlock --components=secrets --daemonize)"
keyring_pid=${GNOME_KEYRING_PID:-}
export GNOME_KEYRING_CONTROL

"$@"
