#!/usr/bin/env bash
# TFRecord scan from file:// and s3:// beside the raw parallel-GET ceiling (docs/performance.md,
# issue 16): TfRecordScanBench (a main in the test sources) writes one indexed TFRecord file of
# SIZE_MIB, uploads it and its index to the project's S3 test server (S3Proxy, started by the main),
# and scans it with the tfrecord source (Spark local[2]) from file:// and from s3:// (one GET per
# split, the default, and read-ahead depth 4), and reads the object with GETS parallel range GETs
# (no Spark): ROUNDS rounds in rotating order after one warm-up round; with the CPU seconds of the
# client JVM and of S3Proxy per way. JAVA_OPTS go to the bench's JVM, e.g. a flight recording, or
# -Dscan.ways=file,split (only those ways), -Dscan.prefetch.depth=2 -Dscan.prefetch.part-size=16m.
#   [XMX=4g] [JAVA_OPTS=...] datasource-tfrecord/bench/run-scan-bench.sh [SIZE_MIB=256] [ROUNDS=3] [GETS=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SIZE="${1:-256}"; ROUNDS="${2:-3}"; GETS="${3:-2}"
M=datasource-tfrecord
"$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -pl $M -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
OPENS="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "spark.java.opens not found in pom.xml" >&2; exit 1; }
WORK="$M/target/bench/scan"
mkdir -p "$WORK"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -Xmx"${XMX:-4g}" ${JAVA_OPTS:-} $OPENS -Ds3dlio.s3proxy.jar="$ROOT/$M/target/test-servers/s3proxy.jar" \
  -Ds3dlio.test.servers.dir="$ROOT/$M/target/test-servers" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$M/target/test-classes:$M/target/classes:$(cat $M/target/bench-classpath.txt)" \
  io.s3dlio.tfrecord.spark.bench.TfRecordScanBench "$SIZE" "$ROUNDS" "$WORK" "$GETS" | grep -v '^RESULT|' || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
