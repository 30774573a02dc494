#!/usr/bin/env bash
# Large-file split check (docs/spark-tfrecord.md): io.s3dlio.tfrecord.spark.bench.TfRecordSplitCheck
# writes one TFRecord file of SIZE bytes (no index), reads it with Spark local[2] split by resync
# (maxPartitionBytes SPLIT) and unsplit, and compares count, sum(id) and a content checksum.
# The file is deleted afterwards.
#   datasource-tfrecord/bench/run-split-check.sh [SIZE=2200000000] [SPLIT=134217728] [DIR=datasource-tfrecord/target/split-check]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
M=datasource-tfrecord
DIR="${3:-$M/target/split-check}"
"$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -Ds3dlio.no-test-servers=true -pl $M -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="$M/target/test-classes:$M/target/classes:connector-fs/target/classes:$(cat $M/target/bench-classpath.txt)"
CP="$(tr ':' '\n' <<<"$CP" | grep -v slf4j-simple | paste -sd: -)"
# The JVM flags Spark needs, from the parent pom (the help plugin is not available offline).
OPENS="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "spark.java.opens not found in pom.xml" >&2; exit 1; }
mkdir -p "$DIR"
FILE="$DIR/big.tfrecord"
trap 'rm -f "$FILE"' EXIT
java -Xmx3g $OPENS -cp "$CP" io.s3dlio.tfrecord.spark.bench.TfRecordSplitCheck "$FILE" "${1:-2200000000}" "${2:-134217728}"
