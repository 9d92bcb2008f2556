#!/usr/bin/env bash
# Installs the PF as the systemd service cpm-pf on this host (Debian 12 or any systemd distro
# with Java 17 at /usr/bin/java). Run as root from the repository root after building:
#
#   mvn -B -q -DskipTests package
#   sudo bash deploy/systemd/install.sh
#
# DESTDIR=/some/dir stages the files under that directory instead (no user, no systemctl):
# for packaging, or to look at what would be installed.
# Existing /etc/cpm-pf/pf.yaml and pf.env are never overwritten; the jar and the unit are.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
jar="$repo/participating-function/target/participating-function.jar"
destdir=${DESTDIR:-}

if [[ ! -f "$jar" ]]; then
    echo "install.sh: $jar not found; build it first: mvn -B -q -DskipTests package" >&2
    exit 1
fi

if [[ -z "$destdir" ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "install.sh: run as root (or set DESTDIR to stage the files)" >&2
        exit 1
    fi
    java_version=$(/usr/bin/java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [[ -z "$java_version" || "${java_version%%.*}" -lt 17 ]]; then
        echo "install.sh: /usr/bin/java must be Java 17 or later (found '${java_version:-none}');" \
            "on Debian: apt-get install openjdk-17-jre-headless" >&2
        exit 1
    fi
    if ! getent passwd cpm-pf >/dev/null; then
        useradd --system --user-group --home-dir /var/lib/cpm-pf --no-create-home \
            --shell /usr/sbin/nologin --comment "CPM FT Participating Function" cpm-pf
    fi
    group=(-g cpm-pf)
else
    group=()
fi

install -d -m 0755 "$destdir/opt/cpm-pf" "$destdir/etc/systemd/system"
install -m 0644 "$jar" "$destdir/opt/cpm-pf/participating-function.jar"
install -m 0644 "$repo/docs/operations.md" "$destdir/opt/cpm-pf/operations.md"
install -m 0644 "$repo/deploy/systemd/cpm-pf.service" "$destdir/etc/systemd/system/cpm-pf.service"

# Readable by the service's group only: pf.env holds the database password.
install -d -m 0750 -o root "${group[@]}" "$destdir/etc/cpm-pf" 2>/dev/null \
    || install -d -m 0750 "$destdir/etc/cpm-pf"
for pair in "deploy/pf.example.yaml:pf.yaml" "deploy/systemd/pf.env.example:pf.env"; do
    source_file=$repo/${pair%%:*}
    target=$destdir/etc/cpm-pf/${pair##*:}
    if [[ -e "$target" ]]; then
        echo "kept existing $target"
    else
        install -m 0640 -o root "${group[@]}" "$source_file" "$target" 2>/dev/null \
            || install -m 0640 "$source_file" "$target"
    fi
done

if [[ -n "$destdir" ]]; then
    echo "staged under $destdir"
    exit 0
fi

systemd-analyze verify /etc/systemd/system/cpm-pf.service
systemctl daemon-reload
cat <<'NEXT'
Installed. Next:
  1. edit /etc/cpm-pf/pf.yaml (addresses, trustedCore, outboundProxy, policy) and
     /etc/cpm-pf/pf.env (database URL and password, JAVA_OPTS);
  2. check it:  sudo -u cpm-pf java -jar /opt/cpm-pf/participating-function.jar --help
  3. start it:  systemctl enable --now cpm-pf && journalctl -u cpm-pf -f
  4. ready?     curl -s http://127.0.0.1:9090/health   (http.host/http.port of pf.yaml)
NEXT
