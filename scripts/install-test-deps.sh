#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing.
# The tests never skip for a missing tool: they fail, so this runs first.
set -euo pipefail

need=()
command -v git >/dev/null 2>&1 || need+=(git)
command -v make >/dev/null 2>&1 || need+=(make)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)      # promtool check metrics / rules
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)  # systemd-analyze verify / security
command -v chromium >/dev/null 2>&1 || need+=(chromium)        # headless browser test of the status page
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)          # real SIP peer for the preflight tests
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)         # real etcd for the leader election tests
# real SIP peer over TLS for the preflight tests (kamailio is in /usr/sbin,
# not in every user's PATH; its TLS module is a package of its own)
{ command -v kamailio || [ -x /usr/sbin/kamailio ]; } >/dev/null 2>&1 || need+=(kamailio)
[ "$(dpkg-query -W -f='${Status}' kamailio-tls-modules 2>/dev/null)" = "install ok installed" ] || need+=(kamailio-tls-modules)

if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2
	exit 1
fi
echo "installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The kamailio package enables and starts a SIP server on port 5060; the
# tests start their own on free loopback ports, so stop the system one.
if [[ " ${need[*]} " == *" kamailio "* ]] && [ -d /run/systemd/system ]; then
	systemctl disable --now kamailio.service >/dev/null 2>&1 || true
fi
