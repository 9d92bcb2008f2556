#!/usr/bin/env bash
# SIP session set-up benchmark (docs/benchmarks.md, section "SIP session setup").
#
# SIPp UAC -> PF -> SIPp UAS: FT INVITE (RFC 5547 offer), 200, ACK, BYE, 200; no MSRP traffic (the
# far end's a=path names a port nobody listens on, so the PF's relay connect fails at once).
# Beside it, in the same run, the same UAC against BareSipServer: the PF's embedded container with
# a servlet that only answers 200 (the ceiling of the container on this machine).
# For each transport (UDP, TCP) the call rate steps up through RATES; each step places
# rate x STEP_SECONDS calls; a target stops at its first step with a failed call (unless
# KEEP_GOING is set). Reported per step: calls placed / failed, of those refused with 503 (overload
# control), achieved rate (successful calls / wall time of the step), p50 / p99 set-up time
# (INVITE sent -> 200 received, from SIPp -trace_rtt, 1 ms resolution, successful calls), and the
# server's CPU per call placed (user + system of its process over the step, from /proc/<pid>/stat;
# it hardly depends on the other load of the machine, unlike the rates).
#
# Targets: pf (this tree's PF), bare (the bare servlet), pf-before (the PF jar named by BEFORE_JAR,
# e.g. a build of an older commit, for before/after figures in one run) and pf-alt (this tree's PF
# with ALT_JAVA_OPTS added, e.g. -Dgov.nist.javax.sip.THREAD_POOL_SIZE=8). Every target's server
# runs during the whole run, so each step sees the same machine.
#
# Environment: RATES (default "250 500 750 1000 1250 1500 2000"), STEP_SECONDS (4), TRANSPORTS
# ("udp tcp"), TARGETS ("pf bare"), WARMUP_SECONDS (30, at 200 calls/s per target
# and transport, not reported: after 10 s C2 was still compiling through the measured steps),
# BASE_PORT (first of 12 consecutive free ports, 25060), PF_JAVA_OPTS (JVM options of every server;
# default the deployment's collector and a 2 GiB heap: -XX:+UseZGC -Xms2g -Xmx2g; set empty for the JVM's own),
# PF_ENV (extra environment of the PFs, e.g. "PF_SIP_MAX_SETUPS_IN_PROGRESS=0"), BEFORE_JAR,
# ALT_JAVA_OPTS, ALT_ENV (extra environment of pf-alt only, e.g. "PF_SIP_MAX_SETUPS_IN_PROGRESS=400"), KEEP_GOING, MVN_OFFLINE (-o; set empty to allow downloads), KEEP_WORK (set: keep
# logs and SIPp traces in the work directory), DEFER_ON (see below).
# Needs: sipp, java 17, maven; msrp-relay and deferred-store installed in ~/.m2
# (mvn -q -o install -DskipTests -pl msrp-relay,deferred-store).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RATES="${RATES:-250 500 750 1000 1250 1500 2000}"
STEP_SECONDS="${STEP_SECONDS:-4}"
TRANSPORTS="${TRANSPORTS:-udp tcp}"
TARGETS="${TARGETS:-pf bare}"
WARMUP_SECONDS="${WARMUP_SECONDS:-30}"
BASE_PORT="${BASE_PORT:-25060}"
PF_JAVA_OPTS="${PF_JAVA_OPTS--XX:+UseZGC -Xms2g -Xmx2g}"
PF_ENV="${PF_ENV:-}"
ALT_JAVA_OPTS="${ALT_JAVA_OPTS:-}"
ALT_ENV="${ALT_ENV:-}"
KEEP_GOING="${KEEP_GOING:-}"
# The UAC reaches the PF in the originating role. With deferral on that side (the product default)
# every call's failed MSRP connect to the far end hands the transfer to the deferred store
# (CPM 7.4.5 stand-in), which is the deferral benchmark's subject, not set-up: by default the PF
# here defers on the terminating side. DEFER_ON=originating measures that path too.
DEFER_ON="${DEFER_ON:-terminating}"
MVN_OFFLINE="${MVN_OFFLINE--o}"
WORK="$(mktemp -d /tmp/pf-sip-bench.XXXXXX)"
PIDS=()
declare -A SERVER_PID=()

cleanup() {
  local rc=$?
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "bench: work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PF_PORT=$BASE_PORT; PF_MSRP=$((BASE_PORT + 1)); PF_HTTP=$((BASE_PORT + 2))
BARE_PORT=$((BASE_PORT + 3)); UAS_PORT=$((BASE_PORT + 4)); UAC_PORT=$((BASE_PORT + 5))
BEFORE_PORT=$((BASE_PORT + 6)); ALT_PORT=$((BASE_PORT + 9))   # each + MSRP + HTTP ports
SCEN="$ROOT/deploy/sipp/bench"

echo "bench: building participating-function (no tests)" >&2
(cd "$ROOT" && mvn -B -q $MVN_OFFLINE -pl participating-function package -DskipTests)
# Private copies: a concurrent build cannot swap classes under a running benchmark.
cp "$ROOT/participating-function/target/participating-function.jar" "$WORK/pf.jar"
cp -r "$ROOT/participating-function/target/test-classes" "$WORK/test-classes"
case " $TARGETS " in *" pf-before "*)
  [ -f "${BEFORE_JAR:-}" ] || { echo "bench: target pf-before needs BEFORE_JAR (a PF jar)" >&2; exit 2; }
  cp "$BEFORE_JAR" "$WORK/pf-before.jar";;
esac
ADD_OPENS="--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.util.concurrent=ALL-UNNAMED --add-opens java.rmi/sun.rmi.transport=ALL-UNNAMED"

await_line() { # file pattern seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench: '$2' did not appear in $1:" >&2; tail -20 "$1" >&2; return 1
}

start_pf() { # name jar sip-port extra-java-opts [extra-env]
  local name=$1 jar=$2 port=$3 opts=$4 extra_env=${5:-}
  mkdir -p "$WORK/$name-data"
  env PF_SIP_HOST=127.0.0.1 PF_SIP_PORT=$port PF_MSRP_HOST=127.0.0.1 PF_MSRP_PORT=$((port + 1)) \
    PF_HTTP_HOST=127.0.0.1 PF_HTTP_PORT=$((port + 2)) PF_STORE_DATA_DIR="$WORK/$name-data" \
    PF_POLICY_DEFER_ON="$DEFER_ON" $PF_ENV $extra_env \
    java $PF_JAVA_OPTS $opts -jar "$jar" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  SERVER_PID[$name]=$!
}

start_servers() {
  local t
  for t in $TARGETS; do
    case $t in
      pf) start_pf pf "$WORK/pf.jar" $PF_PORT "";;
      pf-before) start_pf pf-before "$WORK/pf-before.jar" $BEFORE_PORT "";;
      pf-alt) start_pf pf-alt "$WORK/pf.jar" $ALT_PORT "$ALT_JAVA_OPTS" "$ALT_ENV";;
      bare)
        mkdir -p "$WORK/bare-data"
        java $PF_JAVA_OPTS $ADD_OPENS -cp "$ROOT/deploy/bench/bare-servlet:$WORK/test-classes:$WORK/pf.jar" \
          org.cpmft.pf.it.BareSipServer 127.0.0.1 $BARE_PORT "$WORK/bare-data" >"$WORK/bare.log" 2>&1 &
        PIDS+=($!)
        SERVER_PID[bare]=$!;;
      *) echo "bench: unknown target $t" >&2; exit 2;;
    esac
  done
  for t in $TARGETS; do
    if [ "$t" = bare ]; then await_line "$WORK/bare.log" "^ready" 90; else await_line "$WORK/$t.log" "PF ready" 90; fi
  done
}

start_uas() { # transport
  local t=u1; [ "$1" = tcp ] && t=t1
  sipp -sf "$SCEN/ft-setup-uas.xml" -i 127.0.0.1 -p $UAS_PORT -t $t -nostdin -max_socket 2048 \
    >"$WORK/uas-$1.log" 2>&1 &
  UAS_PID=$!
  PIDS+=($UAS_PID)
  sleep 0.5
}

cpu_ticks() { # pid -> user + system clock ticks of that process so far
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

percentile() { # csv p -> ms
  tail -n +2 "$1" | cut -d';' -f2 | sort -n | awk -v p="$2" '{v[NR]=$1} END {if (NR==0) {print "-"; exit} i=int(NR*p/100+0.999999); if(i<1)i=1; if(i>NR)i=NR; print v[i]}'
}

# run_step target transport rate -> prints one result row; returns 1 when a call failed
run_step() {
  local target=$1 transport=$2 rate=$3 t=u1 callee="127.0.0.1:$UAS_PORT" remote
  [ "$transport" = tcp ] && { t=t1; callee="127.0.0.1:$UAS_PORT;transport=tcp"; }
  case $target in
    pf) remote="127.0.0.1:$PF_PORT";;
    pf-before) remote="127.0.0.1:$BEFORE_PORT";;
    pf-alt) remote="127.0.0.1:$ALT_PORT";;
    *) remote="127.0.0.1:$BARE_PORT";;
  esac
  local calls=$((rate * STEP_SECONDS)) dir="$WORK/step-$target-$transport-$rate"
  mkdir -p "$dir"
  local t0 t1 rc=0 cpu0 cpu1
  cpu0=$(cpu_ticks "${SERVER_PID[$target]}")
  t0=$(date +%s.%N)
  (cd "$dir" && sipp -sf "$SCEN/ft-setup-uac.xml" "$remote" -i 127.0.0.1 -p $UAC_PORT -t $t \
      -r "$rate" -m "$calls" -nostdin -max_socket 2048 -recv_timeout 10000 -timer_resol 1 \
      -timeout $((STEP_SECONDS * 2 + 15))s -timeout_error -trace_rtt -rtt_freq 1 -trace_err -trace_logs \
      -key callee "$callee" >sipp.out 2>&1) || rc=$?
  t1=$(date +%s.%N)
  cpu1=$(cpu_ticks "${SERVER_PID[$target]}")
  local ok failed refused csv
  ok=$(awk -F'|' '/Successful call/ {gsub(/ /, "", $3); v=$3} END {print v+0}' "$dir/sipp.out")
  failed=$(awk -F'|' '/Failed call/ {gsub(/ /, "", $3); v=$3} END {print v+0}' "$dir/sipp.out")
  # A call refused with 503 ends normally in SIPp (its scenario ACKs and logs it): not a success here.
  refused=$(cat "$dir"/*_logs.log 2>/dev/null | grep -c '^refused' || true)
  ok=$((ok - refused)); failed=$((failed + refused))
  csv=$(ls "$dir"/*_rtt.csv 2>/dev/null | head -1)
  local p50=- p99=-
  if [ -n "$csv" ]; then p50=$(percentile "$csv" 50); p99=$(percentile "$csv" 99); fi
  local achieved
  achieved=$(awk -v n="$ok" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
  # The server's own CPU (user + system, all its threads, GC and JIT included) per call placed:
  # unlike the rates, it hardly depends on what else the shared machine runs.
  local cpu_per_call
  cpu_per_call=$(awk -v d=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$calls" 'BEGIN {printf "%.2f", d * 1000 / hz / n}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$transport" "$target" "$rate" "$calls" \
    "$failed" "$refused" "$achieved" "$p50" "$p99" "$cpu_per_call"
  if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$ok" -ne "$calls" ]; then return 1; fi
  return 0
}

start_servers
echo "bench: PF on 127.0.0.1:$PF_PORT, bare servlet on 127.0.0.1:$BARE_PORT; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| transport | target | offered calls/s | calls | failed | of which 503 | achieved calls/s | p50 set-up ms | p99 set-up ms | server CPU ms/call |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for transport in $TRANSPORTS; do
  start_uas "$transport"
  for target in $TARGETS; do   # JIT warm-up, not reported
    STEP_SECONDS_SAVED=$STEP_SECONDS; STEP_SECONDS=$WARMUP_SECONDS
    run_step "$target" "$transport" 200 >/dev/null || true
    STEP_SECONDS=$STEP_SECONDS_SAVED
  done
  sleep 2
  declare -A stopped=() best=() failed_once=()
  for rate in $RATES; do
    for target in $TARGETS; do
      [ -n "${stopped[$target]:-}" ] && continue
      if run_step "$target" "$transport" "$rate"; then
        if [ -z "${failed_once[$target]:-}" ]; then best[$target]=$rate; fi
      else
        failed_once[$target]=1
        if [ -z "$KEEP_GOING" ]; then stopped[$target]=1; fi
      fi
    done
  done
  for target in $TARGETS; do
    echo "bench: $transport $target: highest offered rate with 0 failed calls: ${best[$target]:-none}" >&2
  done
  unset stopped best failed_once
  kill "$UAS_PID" 2>/dev/null || true; wait "$UAS_PID" 2>/dev/null || true
done
for target in $TARGETS; do
  case $target in pf) port=$PF_PORT;; pf-before) port=$BEFORE_PORT;; pf-alt) port=$ALT_PORT;; *) port=;; esac
  if [ -n "$port" ] && command -v curl >/dev/null; then
    echo "bench: $target overload control: $(curl -s "http://127.0.0.1:$((port + 2))/metrics" \
      | grep -E '^pf_sip_(setups_in_progress|overload_refused)' | tr '\n' ' ')" >&2
  fi
  echo "bench: $target log warnings/errors: $(grep -c -E ' (WARN|ERROR) ' "$WORK/$target.log" || true)" >&2
done
