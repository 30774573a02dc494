#!/usr/bin/env bash
# `s3dlio get` of one large object to a local file against curl on the same in-memory S3Proxy, in
# the same run (docs/performance.md). Per round, wall time of each, JVM start included:
#   curl-1        one GET (curl -o)
#   curl-N        N parallel range GETs, one file each (the transfer ceiling, as in issue 16)
#   get-c1        s3dlio get with range-concurrency=1 (one GET streamed into the file)
#   get           s3dlio get with the defaults (range-concurrency 8, range-part-size 8m)
#   get-cds       the same with an AppCDS archive made by a get of the bench's object (made once, before round 1)
#   get-cli       as bin/s3dlio runs it: the archive of bin/cli-jvm.sh's warm-up and its quick-start JVM options
#   before        s3dlio get as built from BASELINE_REF (when set), plain JVM
#   before-cli    the same as bin/s3dlio ran it before session 5 (BASELINE_CLI=1): quick-start options and an
#                 archive made by a get to a closed port (the launcher's warm-up until then)
# S3DLIO_TIMING=1 also prints the phase marks of every s3dlio run (stderr).
# Prints medians and ratios to curl-N.
#   [BASELINE_REF=<git ref>] connector-fs/bench/run-get-bench.sh [ROUNDS=3] [SIZE_MIB=256] [N=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"; SIZE_MIB="${2:-256}"; N="${3:-2}"
T="$ROOT/connector-fs/target"
MVN="$ROOT/bin/mvn-offline-first -B -q -ntp"
cd "$ROOT"
echo "== building the CLI and resolving its classpath" >&2
$MVN -Ds3dlio.no-test-servers=true -pl connector-fs compile dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$T/bench-get-cp.txt" >&2
# a jar, not the classes folder: AppCDS archives only classes from jars
rm -f "$T/bench-get-cli.jar" && jar cf "$T/bench-get-cli.jar" -C "$T/classes" .
CP="$T/bench-get-cli.jar:$(cat "$T/bench-get-cp.txt")"
source connector-fs/bench/baseline.sh
source bin/cli-jvm.sh
LABELS="curl-1 curl-$N get-c1 get get-cds get-cli"
if [[ -n "${BASELINE_REF:-}" ]]; then
  BEFORE_CLASSES="$(baseline_classes "$BASELINE_REF")"
  BEFORE_CP="$BEFORE_CLASSES:$(cat "$T/bench-get-cp.txt")"
  LABELS="$LABELS before"
  if [[ -n "${BASELINE_CLI:-}" ]]; then
    rm -f "$T/bench-get-before.jar" && jar cf "$T/bench-get-before.jar" -C "$BEFORE_CLASSES" .
    BEFORE_JAR_CP="$T/bench-get-before.jar:$(cat "$T/bench-get-cp.txt")"
    LABELS="$LABELS before-cli"
  fi
fi

DIR="$T/bench-get-s3proxy"
rm -rf "$DIR" && mkdir -p "$DIR"
eval "$(S3_TEST_SERVER_STORE=memory S3_TEST_SERVER_HEAP=2g bin/s3-test-server start "$DIR")"
OUT="$T/bench-get-out"
trap 'bin/s3-test-server stop "$DIR"; rm -rf "$OUT"' EXIT
mkdir -p "$OUT"
CURL=(curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
URL="$AWS_ENDPOINT_URL/bench/big.bin"
"${CURL[@]}" -X PUT "$AWS_ENDPOINT_URL/bench"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$OUT/src.bin"
"${CURL[@]}" -T "$OUT/src.bin" "$URL"
SUM="$(cksum < "$OUT/src.bin")"
rm -f "$OUT/src.bin"
echo "== S3Proxy at $AWS_ENDPOINT_URL (in-memory blobstore), s3://bench/big.bin: $SIZE_MIB MiB" >&2

export AWS_REGION=us-east-1 S3DLIO_S3_PATH_STYLE=true
JAVA=(java -Daws.disableEc2Metadata=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
MAIN=io.s3dlio.cli.S3dlioCli
JSA="$T/bench-get-cli.jsa"
rm -f "$JSA"
"${JAVA[@]}" -XX:ArchiveClassesAtExit="$JSA" -cp "$CP" $MAIN get s3://bench/big.bin -o "$OUT/warm.bin" >/dev/null 2>&1
rm -f "$OUT/warm.bin"
LAUNCHER_JSA="$T/bench-get-launcher.jsa"
rm -f "$LAUNCHER_JSA"
cli_make_archive "$LAUNCHER_JSA" "$CP"
[[ -f "$LAUNCHER_JSA" ]] || { echo "bin/cli-jvm.sh made no archive" >&2; exit 1; }
if [[ -n "${BEFORE_JAR_CP:-}" ]]; then
  BEFORE_JSA="$T/bench-get-before.jsa"
  rm -f "$BEFORE_JSA"
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_REGION=us-east-1 \
      AWS_ACCESS_KEY_ID=warm-up AWS_SECRET_ACCESS_KEY=warm-up AWS_CONFIG_FILE=/dev/null \
      AWS_SHARED_CREDENTIALS_FILE=/dev/null \
      java -XX:ArchiveClassesAtExit="$BEFORE_JSA" -Xlog:cds*=off -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
      -cp "$BEFORE_JAR_CP" $MAIN get s3://s3dlio-cds-warm-up/object --set s3.max-retries=0 -o /dev/null >/dev/null 2>&1 || true
fi

RESULTS="$T/bench-get-results.txt"; : > "$RESULTS"
timed() {  # label, then the command; checks the bytes of $OUT/got.bin (or the parts) afterwards
  local label="$1"; shift
  rm -f "$OUT"/got*
  local t0 t1
  t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N)
  local sum
  sum="$(cat "$OUT"/got* | cksum)"
  [[ "$sum" == "$SUM" ]] || { echo "$label: wrong bytes ($sum, expected $SUM)" >&2; exit 1; }
  echo "$label $(python3 -c "print(f'{$t1 - $t0:.3f}')")" | tee -a "$RESULTS"
}
parallel_curl() {
  local size=$((SIZE_MIB << 20)) part=$(( (SIZE_MIB << 20) / N )) i pids=()
  for ((i = 0; i < N; i++)); do
    local from=$((i * part)) to=$(( i == N - 1 ? size - 1 : (i + 1) * part - 1 ))
    "${CURL[@]}" -r "$from-$to" -o "$(printf '%s/got.%03d' "$OUT" "$i")" "$URL" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
}
for round in $(seq "$ROUNDS"); do
  echo "== round $round/$ROUNDS" >&2
  timed curl-1 "${CURL[@]}" -o "$OUT/got.bin" "$URL"
  timed "curl-$N" parallel_curl
  timed get-c1 "${JAVA[@]}" -cp "$CP" $MAIN get --set range-concurrency=1 s3://bench/big.bin -o "$OUT/got.bin"
  timed get "${JAVA[@]}" -cp "$CP" $MAIN get s3://bench/big.bin -o "$OUT/got.bin"
  timed get-cds "${JAVA[@]}" -XX:SharedArchiveFile="$JSA" -cp "$CP" $MAIN get s3://bench/big.bin -o "$OUT/got.bin"
  # shellcheck disable=SC2046
  timed get-cli "${JAVA[@]}" -XX:SharedArchiveFile="$LAUNCHER_JSA" $(cli_jvm_opts get) -cp "$CP" $MAIN get \
    s3://bench/big.bin -o "$OUT/got.bin"
  if [[ -n "${BASELINE_REF:-}" ]]; then
    timed before "${JAVA[@]}" -cp "$BEFORE_CP" $MAIN get s3://bench/big.bin -o "$OUT/got.bin"
  fi
  if [[ -n "${BEFORE_JAR_CP:-}" ]]; then
    # shellcheck disable=SC2046
    timed before-cli "${JAVA[@]}" -XX:SharedArchiveFile="$BEFORE_JSA" $(cli_jvm_opts get) -cp "$BEFORE_JAR_CP" $MAIN get \
      s3://bench/big.bin -o "$OUT/got.bin"
  fi
done

echo
echo "Medians over $ROUNDS rounds ($SIZE_MIB MiB object, S3Proxy in-memory blobstore, $(nproc) cores)," \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" "curl-$N" $LABELS <<'PY'
import sys, statistics, collections
v = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, sec = line.split()
    v[label].append(float(sec))
ceiling = statistics.median(v[sys.argv[2]])
print(f"| {'run':8} | wall s (median) | min-max | time / {sys.argv[2]} |")
print("|---|---|---|---|")
for label in sys.argv[3:]:
    m = statistics.median(v[label])
    print(f"| {label:8} | {m:15.2f} | {min(v[label]):.2f}-{max(v[label]):.2f} | {m / ceiling:6.2f} |")
PY
