#!/usr/bin/env bash
# Spark TFRecord read benchmark (docs/spark-tfrecord.md): io.s3dlio.tfrecord.spark.bench.TfRecordSparkBench
# on local[2]: count / pruned / all-columns reads of ROWS rows, on 8 files and on one big file,
# beside the naive baseline (binaryFile + a UDF that parses whole files).
#   [XMX=8g] datasource-tfrecord/bench/run-spark-bench.sh [ROWS=200000] [DIR=target/bench]
# The baseline reads each file whole into one byte[] (binaryFile): at 200,000 rows the single
# file is 888 MB and the baseline needs more than 4 GB of heap (it died with OutOfMemoryError at 4g).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
M=datasource-tfrecord
"$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -Ds3dlio.no-test-servers=true -pl $M -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="$M/target/test-classes:$M/target/classes:connector-fs/target/classes:$(cat $M/target/bench-classpath.txt)"
CP="$(tr ':' '\n' <<<"$CP" | grep -v slf4j-simple | paste -sd: -)"
# The JVM flags Spark needs, from the parent pom (the help plugin is not available offline).
OPENS="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "spark.java.opens not found in pom.xml" >&2; exit 1; }
exec java -Xmx"${XMX:-8g}" $OPENS -cp "$CP" io.s3dlio.tfrecord.spark.bench.TfRecordSparkBench "${1:-200000}" "${2:-$M/target/bench}"
