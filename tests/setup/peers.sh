#!/usr/bin/env bash
# Installs the real peers the integration tests talk to. Idempotent: run by `npm pretest`,
# as root, on a fresh Debian 12 machine. Only binaries are needed: tests start their own
# instances on free ports, so no system service is ever started.
set -euo pipefail

have_mosquitto() {
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]
}

# A system mosquitto on :1883 would collide with the embedded broker's default port: the shared
# installer never lets Debian start the service.
if ! have_mosquitto; then
  bash "$(dirname "$0")/install-debs.sh" mosquitto
fi

have_mosquitto || { echo "peers.sh: mosquitto still not found after install" >&2; exit 1; }
echo "peers.sh: mosquitto ready ($(command -v mosquitto || echo /usr/sbin/mosquitto))"
