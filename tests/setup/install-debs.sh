#!/usr/bin/env bash
# Installs Debian packages for test and benchmark peers without starting their system services:
# tests and the bench run their own instances on free ports, and a packaged daemon would take
# the default ports (Mosquitto :1883, VictoriaMetrics :8428) and outlive the run.
# Usage (as root): bash tests/setup/install-debs.sh PACKAGE...
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: install-debs.sh PACKAGE..." >&2; exit 2; }

# invoke-rc.d asks policy-rc.d before starting a daemon; exit 101 means "action forbidden".
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_CREATED=no
remove_policy() {
  if [ "$POLICY_CREATED" = yes ]; then rm -f "$POLICY_RC"; fi
}
if [ ! -e "$POLICY_RC" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
  chmod +x "$POLICY_RC"
  POLICY_CREATED=yes
  trap remove_policy EXIT
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "$@"
