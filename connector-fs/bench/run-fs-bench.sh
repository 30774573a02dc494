#!/usr/bin/env bash
# Side-by-side read benchmark: this project's FileSystem (s3://) against Hadoop S3A (s3a://) with
# its classic input stream and its default stream (analytics in 3.5.0), on ONE S3Proxy and the SAME
# object, each client in its own JVM with its own classpath (S3A's AWS SDK bundle 2.35.x cannot
# share a classpath with this project's SDK modules). Prints a table of medians and the ratios
# ours / S3A. Only 127.0.0.1 is contacted (explicit keys, -Daws.disableEc2Metadata=true).
#   [BASELINE_REF=<git ref>] [OURS_OPTS="k=v ..."] connector-fs/bench/run-fs-bench.sh [ROUNDS=3] [SIZE_MIB=256]
# BASELINE_REF adds a fourth JVM per round, "before": this FileSystem as built from that commit
# (extracted with git archive into target/bench-baseline-<ref> and compiled once), for before/after
# figures in the same run. OURS_OPTS: extra Hadoop keys for "ours" (e.g. fs.s3dlio.prefetch.depth=0).
# BENCH_JAVA_OPTS: extra JVM options for every client (e.g. -Dbench.vec.trace=true: time, CPU, GETs
# of the first and the fresh readVectored on stderr; -Dbench.vec.connections=true adds the connections).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"; SIZE_MIB="${2:-256}"
T="$ROOT/connector-fs/target"
MVN="$ROOT/bin/mvn-offline-first -B -q -ntp"

cd "$ROOT"
echo "== building the bench and resolving both classpaths" >&2
$MVN -pl connector-fs test-compile dependency:build-classpath -DincludeScope=test \
  -Dmdep.outputFile="$T/bench-ours-cp.txt" >&2
# hadoop-aws (and its SDK bundle) only through this separate pom: never on the project's classpaths
$MVN -f connector-fs/bench/s3a-classpath.xml dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$T/bench-s3a-cp.txt" >&2
rm -rf "$T/bench-classes" && mkdir -p "$T/bench-classes/io/s3dlio/fs/bench"
cp "$T"/test-classes/io/s3dlio/fs/bench/*.class "$T/bench-classes/io/s3dlio/fs/bench/"
OURS_CP="$T/classes:$T/bench-classes:$(cat "$T/bench-ours-cp.txt")"
LABELS="ours s3a-classic s3a-default"
source connector-fs/bench/baseline.sh
if [[ -n "${BASELINE_REF:-}" ]]; then
  BEFORE_CP="$(baseline_classes "$BASELINE_REF"):$T/bench-classes:$(cat "$T/bench-ours-cp.txt")"
  LABELS="ours before s3a-classic s3a-default"
fi
S3A_CP="$T/bench-classes:$(cat "$T/bench-s3a-cp.txt")"

DIR="$T/bench-s3proxy"
rm -rf "$DIR" && mkdir -p "$DIR"
# In-memory blobstore: S3Proxy's filesystem store caps every client near 30 MB/s on this machine,
# which would measure the server, not the clients (curl reads ~1.9 GB/s from the memory store).
eval "$(S3_TEST_SERVER_STORE=memory S3_TEST_SERVER_HEAP=2g bin/s3-test-server start "$DIR")"
trap 'bin/s3-test-server stop "$DIR"' EXIT
curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$AWS_ENDPOINT_URL/bench"
echo "== S3Proxy at $AWS_ENDPOINT_URL (in-memory blobstore)" >&2

JAVA=(java -Xmx2g -XX:+UseParallelGC -Daws.disableEc2Metadata=true
      -Dlog4j.configuration="file:$ROOT/connector-fs/bench/log4j.properties"
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.logFile=System.err ${BENCH_JAVA_OPTS:-})
OBJ=bench/seq.bin
OURS_CONF=(fs.s3dlio.s3.endpoint="$AWS_ENDPOINT_URL" fs.s3dlio.s3.region=us-east-1 fs.s3dlio.s3.path-style=true
           fs.s3dlio.s3.access-key="$AWS_ACCESS_KEY_ID" fs.s3dlio.s3.secret-key="$AWS_SECRET_ACCESS_KEY")
S3A_CONF=(fs.s3a.endpoint="$AWS_ENDPOINT_URL" fs.s3a.endpoint.region=us-east-1 fs.s3a.path.style.access=true
          fs.s3a.connection.ssl.enabled=false fs.s3a.bucket.probe=0
          fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
          fs.s3a.access.key="$AWS_ACCESS_KEY_ID" fs.s3a.secret.key="$AWS_SECRET_ACCESS_KEY"
          fs.s3a.change.detection.version.required=false)
main=io.s3dlio.fs.bench.FsReadBench

echo "== writing s3://$OBJ ($SIZE_MIB MiB) once, through this FileSystem" >&2
"${JAVA[@]}" -cp "$OURS_CP" $main write "s3://$OBJ" "$SIZE_MIB" "${OURS_CONF[@]}" 2>&1 | grep -v '^log4j:' >&2
# S3Proxy is a JVM too: whichever client read first from a fresh server paid for its warm-up (the
# random-read p99 of the first client of round 1 was 1.6x the others'; docs/performance.md, session
# 5), and the first readVectored of round 1 took 1.8-4x the time of the same client's in later
# rounds (session 6: merged GETs of 8 MiB, and 8 connections at once where the warm-up used one). So
# the server's GET path is warmed first: 400 ranged GETs of 64 KiB on one curl connection, then, 16
# at a time, 200 of 64 KiB, 40 of 8 MiB and 2 of the whole object; and the clients' order rotates
# from round to round.
echo "== warming up S3Proxy's GET path" >&2
warm_up() {  # warm_up SEED SIZES...: one ranged GET of each size at a random offset, as a curl config
  python3 - "$AWS_ENDPOINT_URL/$OBJ" "$((SIZE_MIB << 20))" "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$@" <<'PY'
import random, sys
url, size, user, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
r = random.Random(seed)
for i, n in enumerate(min(int(x), size) for x in sys.argv[5:]):
    off = r.randrange(0, size - n + 1)
    if i:
        print("next")
    print(f'url = "{url}"\nrange = "{off}-{off + n - 1}"\noutput = "/dev/null"\naws-sigv4 = "aws:amz:us-east-1:s3"')
    print(f'user = "{user}"\nheader = "x-amz-content-sha256: UNSIGNED-PAYLOAD"\nsilent\nfail')
PY
}
# shellcheck disable=SC2046
warm_up 1 $(printf '65536 %.0s' {1..400}) > "$T/bench-warm-up.curl"
curl -K "$T/bench-warm-up.curl"
# shellcheck disable=SC2046
warm_up 2 $(printf '65536 %.0s' {1..200}) $(printf '8388608 %.0s' {1..40}) $((SIZE_MIB << 20)) $((SIZE_MIB << 20)) \
  > "$T/bench-warm-up.curl"
curl -Z --parallel-max 16 --parallel-immediate -K "$T/bench-warm-up.curl"
rm -f "$T/bench-warm-up.curl"

RESULTS="$T/bench-results.txt"; : > "$RESULTS"
side() {  # one client in its own JVM; metric lines to the results, log4j 1 chatter dropped
  "${JAVA[@]}" -Dbench.server.pid="$(cat "$DIR/.s3proxy.pid")" "$@" 2> >(grep -v '^log4j:' >&2) | tee -a "$RESULTS"
}
s3() {  # curl with the server's keys: s3 METHOD KEY [curl args]
  local method="$1" key="$2"; shift 2
  curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$method" "$@" "$AWS_ENDPOINT_URL/bench/$key"
}
read -r -a ORDERED <<<"$LABELS"
for round in $(seq "$ROUNDS"); do
  echo "== round $round/$ROUNDS" >&2
  for ((i = 0; i < ${#ORDERED[@]}; i++)); do  # round r starts with client r (mod their number)
    label="${ORDERED[$(( (round - 1 + i) % ${#ORDERED[@]} ))]}"
    # two server-side copies of the object that no client has read (no client's cache holds them):
    # "first" for the JVM's first readVectored, "fresh" for one in the warm JVM at the end; made
    # just before this client's JVM and deleted after it (the in-memory store holds them in its heap)
    first="first-$label-$round.bin"; fresh="fresh-$label-$round.bin"
    s3 PUT "$first" -H "x-amz-copy-source: /$OBJ"
    s3 PUT "$fresh" -H "x-amz-copy-source: /$OBJ"
    case "$label" in
      # shellcheck disable=SC2086
      ours) side -Dbench.vec.first="s3://bench/$first" -Dbench.vec.fresh="s3://bench/$fresh" -cp "$OURS_CP" $main \
              read "s3://$OBJ" ours "${OURS_CONF[@]}" ${OURS_OPTS:-} ;;
      before) side -Dbench.vec.first="s3://bench/$first" -Dbench.vec.fresh="s3://bench/$fresh" -cp "$BEFORE_CP" \
                $main read "s3://$OBJ" before "${OURS_CONF[@]}" ;;
      s3a-classic) side -Dbench.vec.first="s3a://bench/$first" -Dbench.vec.fresh="s3a://bench/$fresh" -cp "$S3A_CP" \
                     $main read "s3a://$OBJ" s3a-classic "${S3A_CONF[@]}" fs.s3a.input.stream.type=classic ;;
      s3a-default) side -Dbench.vec.first="s3a://bench/$first" -Dbench.vec.fresh="s3a://bench/$fresh" -cp "$S3A_CP" \
                     $main read "s3a://$OBJ" s3a-default "${S3A_CONF[@]}" fs.s3a.input.stream.type=default ;;
    esac
    s3 DELETE "$first"
    s3 DELETE "$fresh"
  done
done

echo
echo "Medians over $ROUNDS rounds ($SIZE_MIB MiB object, S3Proxy in-memory blobstore, $(nproc) cores):"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" $LABELS <<'PY'
import sys, statistics, collections
v = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, metric, value = line.split()
    v[(label, metric)].append(float(value))
m = {k: statistics.median(x) for k, x in v.items()}
spread = {k: (min(x), max(x)) for k, x in v.items()}
metrics = [("seq_mbps", "sequential MB/s", True), ("rand_p50_us", "random 64K p50 us", False),
           ("rand_p99_us", "random 64K p99 us", False),
           ("vec_first_mbps", "readVectored 100x64K MB/s, 1st run", True),
           ("vec_cold_mbps", "readVectored, object read before", True),
           ("vec_fresh_mbps", "readVectored, fresh object, warm", True),
           ("vec_mbps", "readVectored 100x64K MB/s, med", True)]
labels = sys.argv[2:]
others = [l for l in labels if l != "ours"]
print(f"| {'metric':35} | " + " | ".join(f"{l:>11}" for l in labels)
      + " | " + " | ".join(f"ours/{l}" for l in others) + " |")
print("|" + "---|" * (len(labels) + len(others) + 1))
for key, name, higher in metrics:
    row = [m.get((l, key), float("nan")) for l in labels]
    ratios = [row[0] / m[(l, key)] if m.get((l, key)) else float("nan") for l in others]
    print(f"| {name:35} | " + " | ".join(f"{x:11.1f}" for x in row)
          + " | " + " | ".join(f"{r:8.2f}" for r in ratios) + " |")
print("(ratios are ours / other: above 1 is better for MB/s, below 1 is better for latency)")
print("(1st run: each JVM's first readVectored, of a copy nothing in it has read; object read before: the")
print(" first of the median's runs, on the object the other reads used, which a caching client serves from memory)")
print("spread (min-max over rounds):")
for key, name, higher in metrics:
    print(f"  {name}: " + "; ".join(f"{l} {spread[(l, key)][0]:.1f}-{spread[(l, key)][1]:.1f}"
                                   for l in labels if (l, key) in spread))
PY
