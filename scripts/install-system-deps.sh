#!/usr/bin/env bash
# Debian packages the test suite needs: chromium (browser tests), libssl3 and libgomp1
# (the Bolt test server), gcc (its glibc shim), poppler-utils (reading report.pdf). Installs only what is missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libssl3 >/dev/null 2>&1 || need+=(libssl3)
dpkg -s libgomp1 >/dev/null 2>&1 || need+=(libgomp1)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v readelf >/dev/null 2>&1 || need+=(binutils)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)  # report --pdf tests read the PDF
fonts=$(dpkg -s fonts-dejavu-core >/dev/null 2>&1 || echo fonts-dejavu-core)
[ -n "$fonts" ] && need+=("$fonts")
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "installing Debian packages: ${need[*]}" >&2
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
