#!/usr/bin/env bash
# Overhead of the store metrics and the operation log on a GET-heavy loop (MetricsOverheadBench):
# one S3Proxy (in-memory blobstore), one JVM, one store per mode in rotating repetitions (MODES, a
# comma list of off | metrics | log | on; a mode named twice is an A/A control); then the CPU the
# instrumentation adds per GET, without a server (DecoratorCostBench; SKIP_CPU=1 skips it).
# BENCH_JAVA_OPTS adds JVM options to the S3 run (e.g. a JFR recording). Only 127.0.0.1 is contacted.
#   connector-fs/bench/run-metrics-bench.sh [REPS=40] [GETS=500] [THREADS=4] [OBJECTS=64] [SIZE=16384] [MODES=off,off,metrics,on]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T="$ROOT/connector-fs/target"
MVN="$ROOT/bin/mvn-offline-first -B -q -ntp"
cd "$ROOT"
if [[ "${SKIP_BUILD:-}" != 1 || ! -f "$T/bench-metrics-cp.txt" ]]; then  # SKIP_BUILD=1: use what is built
  echo "== building the bench and resolving its classpath" >&2
  $MVN -pl connector-fs test-compile dependency:build-classpath -DincludeScope=test \
    -Dmdep.outputFile="$T/bench-metrics-cp.txt" >&2
fi
CP="$T/classes:$T/test-classes:$(cat "$T/bench-metrics-cp.txt")"
DIR="$T/bench-metrics-s3proxy"
rm -rf "$DIR" && mkdir -p "$DIR"
eval "$(S3_TEST_SERVER_STORE=memory S3_TEST_SERVER_HEAP=1g bin/s3-test-server start "$DIR")"
trap 'bin/s3-test-server stop "$DIR"' EXIT
curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$AWS_ENDPOINT_URL/bench"
echo "== S3Proxy at $AWS_ENDPOINT_URL (in-memory blobstore), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
S3_SERVER_PID="$(cat "$DIR/.s3proxy.pid")" java -Xmx1g -XX:+UseParallelGC -Daws.disableEc2Metadata=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} \
  -cp "$CP" io.s3dlio.store.metrics.bench.MetricsOverheadBench s3://bench/overhead/ "${1:-40}" "${2:-500}" "${3:-4}" \
  "${4:-64}" "${5:-16384}" "${6:-off,off,metrics,on}"
[[ "${SKIP_CPU:-}" == 1 ]] && exit 0
echo "== CPU per GET without a server (in-memory store, unwrapped vs wrapped)" >&2
java -Xmx1g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$CP" io.s3dlio.store.metrics.bench.DecoratorCostBench
