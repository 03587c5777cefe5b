#!/usr/bin/env bash
# Installs the real peers the integration tests talk to. Idempotent: run by `npm pretest`,
# as root, on a fresh Debian 12 machine. Only binaries are needed: tests start their own
# instances on free ports, so no system service is ever started.
#   mosquitto                       MQTT broker (tests/integration/mqtt*)
#   python3-pymodbus (+ serial, serial-asyncio)  an independent Modbus TCP/RTU server
#   mbpoll                          an independent Modbus master that reads our simulators
#   socat                           pty pairs: a serial line without hardware (Modbus RTU)
#   victoria-metrics                accepts InfluxDB's /api/v2/write (the InfluxDB sink's peer)
#   chromium                        the headless browser the console's tests drive (tests/e2e/console-*)
#   fonts-noto-cjk                  so the console's Chinese renders in those tests' screenshots
set -euo pipefail

have_mosquitto() {
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]
}
have_pymodbus() {
  /usr/bin/python3 -c 'import pymodbus.server, serial_asyncio' >/dev/null 2>&1
}
have_cjk_font() {
  [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'
}

missing=()
# A system mosquitto on :1883 would collide with the embedded broker's default port: the shared
# installer never lets Debian start the service.
have_mosquitto || missing+=(mosquitto)
# python3-pymodbus only recommends its serial modules, and its server imports them.
have_pymodbus || missing+=(python3-pymodbus python3-serial python3-serial-asyncio)
command -v mbpoll >/dev/null 2>&1 || missing+=(mbpoll)
command -v socat >/dev/null 2>&1 || missing+=(socat)
[ -x /usr/bin/victoria-metrics ] || missing+=(victoria-metrics)
# systemd-analyze verify checks the deploy/systemd units (tests/unit/deploy-systemd.test.ts); no unit is started.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# Debian's own build (tests/support/browser.ts drives /usr/bin/chromium): no browser download.
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_cjk_font || missing+=(fonts-noto-cjk)

if [ "${#missing[@]}" -gt 0 ]; then
  bash "$(dirname "$0")/install-debs.sh" "${missing[@]}"
fi

have_mosquitto || { echo "peers.sh: mosquitto still not found after install" >&2; exit 1; }
have_pymodbus || { echo "peers.sh: pymodbus (Debian python3-pymodbus) still not importable" >&2; exit 1; }
command -v mbpoll >/dev/null 2>&1 || { echo "peers.sh: mbpoll still not found" >&2; exit 1; }
command -v socat >/dev/null 2>&1 || { echo "peers.sh: socat still not found" >&2; exit 1; }
[ -x /usr/bin/victoria-metrics ] || { echo "peers.sh: victoria-metrics still not found" >&2; exit 1; }
command -v systemd-analyze >/dev/null 2>&1 || { echo "peers.sh: systemd-analyze still not found" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "peers.sh: chromium still not found" >&2; exit 1; }
have_cjk_font || { echo "peers.sh: fonts-noto-cjk (Noto Sans CJK) still not found" >&2; exit 1; }
echo "peers.sh: mosquitto, pymodbus, mbpoll, socat, victoria-metrics, systemd-analyze, chromium and fonts-noto-cjk ready"
