#!/usr/bin/env bash
# The test command of this repository (see README.md):
#
#   bash .ci/test.sh [extra mvn arguments...]
#
# 1. installs what is missing (PostgreSQL, SIPp, Kamailio, Maven, JDK 17) with apt-get,
# 2. starts a throwaway PostgreSQL on 127.0.0.1 in a temporary directory,
# 3. exports PF_TEST_PG_URL, PF_TEST_PG_USER, PF_TEST_PG_PASSWORD for the tests,
# 4. runs `mvn -B verify "$@"`,
# 5. always stops PostgreSQL and removes the temporary directory, and exits with mvn's status.
#
# Runs as root (CI: CI=true, no stdin) or as a normal user with sudo (only needed to install).
# Environment: PF_TEST_PG_PORT  first port to try for PostgreSQL (default 55432).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

PACKAGES=(postgresql sip-tester kamailio maven openjdk-17-jdk-headless)
PG_FIRST_PORT="${PF_TEST_PG_PORT:-55432}"
PG_PORT_TRIES=20
PG_DB=pftest
PG_USER=pftest

section() { printf '\n==== %s ====\n' "$*"; }
info() { printf '  %s\n' "$*"; }
die() {
    printf 'test.sh: %s\n' "$*" >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------
# Cleanup: registered before anything is started, so every way out stops PostgreSQL.
WORK=""
PG_BIN=""
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    local rc=$?
    set +e
    if [ -n "$WORK" ] && [ -f "$WORK/data/postmaster.pid" ]; then
        section "Stopping PostgreSQL"
        as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w -t 30 stop >/dev/null 2>&1
        local pid
        pid="$(head -n 1 "$WORK/data/postmaster.pid" 2>/dev/null)"
        # Only our own postmaster: a stale pid file could name an unrelated process.
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
            tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-D $WORK/data"; then
            info "postmaster $pid did not stop in 30 s; killing it"
            kill -KILL "$pid" 2>/dev/null
        fi
        info "stopped"
    fi
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a command as the OS user that owns the PostgreSQL data directory. initdb and postgres
# refuse to run as root, so root runs them as the `postgres` system user.
PG_OS_USER=""
as_pg() {
    if [ -n "$PG_OS_USER" ]; then
        # From inside the temp dir: the postgres user may not be allowed into the repository.
        (cd "$WORK" && runuser -u "$PG_OS_USER" -- env HOME="$WORK" "$@")
    else
        "$@"
    fi
}

# ---------------------------------------------------------------------------------------------
section "[1/5] Checking prerequisites"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
newest_pg_bin() {
    local d v best="" best_version=-1
    for d in /usr/lib/postgresql/*/bin; do
        if [ ! -x "$d/initdb" ] || [ ! -x "$d/pg_ctl" ]; then continue; fi
        v="$(basename "$(dirname "$d")")"
        [[ "$v" =~ ^[0-9]+$ ]] || continue
        if [ "$v" -gt "$best_version" ]; then
            best="$d"
            best_version="$v"
        fi
    done
    printf '%s' "$best"
}
javac_major() {
    local v
    v="$(javac -version 2>&1 | awk '/^javac /{print $2; exit}')"
    printf '%s' "${v%%.*}"
}
has() {
    case "$1" in
        postgresql) [ -n "$(newest_pg_bin)" ] ;;
        sip-tester) command -v sipp >/dev/null ;;
        kamailio) command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ] ;;
        maven) command -v mvn >/dev/null ;;
        openjdk-17-jdk-headless)
            installed openjdk-17-jdk-headless ||
                { command -v javac >/dev/null && [ "$(javac_major)" -ge 17 ] 2>/dev/null; } ;;
        *) installed "$1" ;;
    esac
}

missing=()
for p in "${PACKAGES[@]}"; do
    if has "$p"; then info "have    $p"; else info "missing $p"; missing+=("$p"); fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    section "[1/5] Installing ${missing[*]} with apt-get"
    command -v apt-get >/dev/null || die "missing ${missing[*]} and there is no apt-get; install them by hand"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing ${missing[*]}; run as root or install sudo"
        # Without a terminal (CI) sudo must not wait for a password nobody can type.
        if [ -t 0 ] && [ "${CI:-}" != "true" ]; then SUDO=(sudo); else SUDO=(sudo -n); fi
    fi
    ${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
    ${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
    # The kamailio package may start a system service on 5060, which the SIP tests need free.
    if [[ " ${missing[*]} " == *" kamailio "* ]] && [ -d /run/systemd/system ] &&
        systemctl is-active --quiet kamailio 2>/dev/null; then
        info "stopping and disabling the kamailio service the package just started"
        ${SUDO[@]+"${SUDO[@]}"} systemctl disable --now kamailio </dev/null || true
    fi
    for p in "${missing[@]}"; do has "$p" || die "$p is still missing after apt-get install"; done
fi

# Maven needs a JDK 17 or newer; prefer the Debian one when the default is older or a JRE.
if ! command -v javac >/dev/null || [ "$(javac_major)" -lt 17 ] 2>/dev/null; then
    for j in /usr/lib/jvm/java-17-openjdk-*; do
        if [ -x "$j/bin/javac" ]; then
            export JAVA_HOME="$j"
            export PATH="$JAVA_HOME/bin:$PATH"
            break
        fi
    done
fi
# Kamailio lives in /usr/sbin, which a normal user's PATH lacks.
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac

PG_BIN="$(newest_pg_bin)"
info "java:       $(java -version 2>&1 | head -n 1)"
info "maven:      $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
info "postgresql: $("$PG_BIN/postgres" --version)"
info "sipp:       $( (sipp -v 2>&1 || true) | grep -m 1 -i 'sipp' || echo unknown)"
info "kamailio:   $( (kamailio -v 2>&1 || true) | head -n 1)"

# ---------------------------------------------------------------------------------------------
section "[2/5] Creating a throwaway PostgreSQL"

TMP_BASE="${TMPDIR:-/tmp}"
# As root the server runs as another user, who may not be able to reach a private TMPDIR.
[ "$(id -u)" -ne 0 ] || TMP_BASE=/tmp
WORK="$(mktemp -d "$TMP_BASE/pf-test-pg.XXXXXXXX")"
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        info "no postgres system user; creating one"
        useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    PG_OS_USER=postgres
    chown "$PG_OS_USER": "$WORK"
fi
info "directory:  $WORK (owner $(stat -c %U "$WORK"))"

rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
PG_SUPER_PASSWORD="$(rand)"
PG_PASSWORD="$(rand)"
(umask 077 && printf '%s\n' "$PG_SUPER_PASSWORD" >"$WORK/superuser.pw")
[ -z "$PG_OS_USER" ] || chown "$PG_OS_USER": "$WORK/superuser.pw"

# Local socket connections (inside the private temp dir) are trusted for setup; TCP needs a
# password, as the tests will use it.
if ! as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres -E UTF8 --no-locale --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$WORK/superuser.pw" >"$WORK/initdb.log" 2>&1; then
    cat "$WORK/initdb.log" >&2
    die "initdb failed"
fi
rm -f "$WORK/superuser.pw"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

section "[3/5] Starting PostgreSQL"
PG_PORT=""
for ((i = 0; i < PG_PORT_TRIES; i++)); do
    port=$((PG_FIRST_PORT + i))
    if port_in_use "$port"; then
        info "port $port is in use"
        continue
    fi
    # Durability is pointless for a throwaway server: no fsync, no full-page writes.
    if as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w -t 60 \
        -o "-p $port -k '$WORK' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        PG_PORT="$port"
        break
    fi
    if grep -q 'could not bind\|Address already in use' "$WORK/postgres.log" 2>/dev/null; then
        info "port $port was taken while starting; trying the next"
        continue
    fi
    cat "$WORK/postgres.log" >&2 || true
    die "PostgreSQL did not start"
done
[ -n "$PG_PORT" ] || die "no free port in $PG_FIRST_PORT-$((PG_FIRST_PORT + PG_PORT_TRIES - 1)) for PostgreSQL"
info "listening on 127.0.0.1:$PG_PORT (pid $(head -n 1 "$WORK/data/postmaster.pid"))"

as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PG_PORT" -U postgres -d postgres <<SQL
CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
CREATE DATABASE $PG_DB OWNER $PG_USER;
SQL

# Prove the tests' way in works: TCP, password authentication.
PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
    -U "$PG_USER" -d "$PG_DB" -c 'SELECT 1' >/dev/null </dev/null ||
    die "cannot log in to PostgreSQL as $PG_USER over TCP"

export PF_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB"
export PF_TEST_PG_USER="$PG_USER"
export PF_TEST_PG_PASSWORD="$PG_PASSWORD"
info "PF_TEST_PG_URL=$PF_TEST_PG_URL"
info "PF_TEST_PG_USER=$PF_TEST_PG_USER"
info "PF_TEST_PG_PASSWORD=(set)"

# ---------------------------------------------------------------------------------------------
section "[4/5] mvn -B verify $*"
set +e
mvn -B verify "$@" </dev/null
status=$?
set -e

section "[5/5] Result: mvn exited with status $status"
exit "$status"
