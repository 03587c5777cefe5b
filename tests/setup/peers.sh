#!/usr/bin/env bash
# Installs the real peers the integration tests talk to. Idempotent: run by `npm pretest`,
# as root, on a fresh Debian 12 machine. Only binaries are needed: tests start their own
# instances on free ports, so no system service is ever started.
set -euo pipefail

have_mosquitto() {
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]
}

# Debian starts a daemon on install unless policy-rc.d says no (exit 101 = "action forbidden").
# A system mosquitto on :1883 would also collide with the embedded broker's default port.
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_CREATED=no
remove_policy() {
  if [ "$POLICY_CREATED" = yes ]; then rm -f "$POLICY_RC"; fi
}

install_without_services() {
  if [ ! -e "$POLICY_RC" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
    chmod +x "$POLICY_RC"
    POLICY_CREATED=yes
    trap remove_policy EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "$@"
}

if ! have_mosquitto; then
  install_without_services mosquitto
fi

have_mosquitto || { echo "peers.sh: mosquitto still not found after install" >&2; exit 1; }
echo "peers.sh: mosquitto ready ($(command -v mosquitto || echo /usr/sbin/mosquitto))"
