#!/usr/bin/env bash
# Spark TFRecord benchmark, before/after (docs/spark-tfrecord.md): the same bench main
# (io.s3dlio.tfrecord.spark.bench.TfRecordSparkBench, DataFrame API only) on two class paths: this
# checkout ("after") and an earlier commit ("before", default d852f84: the source before it was
# rebuilt on Spark's file-source framework), built from git history into /tmp/tf-old (compiled
# there, never installed into ~/.m2). Runs alternate before/after RUNS times on the same data
# sizes; the summary gives the median seconds of each case and the ratio after/before.
#   [RUNS=2] [OLD=d852f84] [XMX=8g] datasource-tfrecord/bench/run-spark-bench.sh [ROWS=200000] [SMALL_FILES=20000]
# ROWS rows of (id, label, 64 floats, 4 KB binary), written as 8 files and as one file; SMALL_FILES
# files of 10 records of 4 KB each (written once, read by both; SMALL_FILES=0 skips that case).
# Each side's full stdout/stderr is kept beside the summary ($OUT.<run>.<side>[.log]); the load
# average before each side and uptime at start and end in $OUT.load. The summary gives medians of
# the wall-clock seconds and of the JVM's CPU seconds during each timed case (less disturbed by a
# loaded machine).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROWS="${1:-200000}"
SMALL_FILES="${2:-20000}"
RUNS="${RUNS:-2}"
OLD="${OLD:-d852f84}"
OLD_TREE="${OLD_TREE:-/tmp/tf-old}"
WORK="${WORK:-datasource-tfrecord/target/bench}"
M=datasource-tfrecord
"$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -Ds3dlio.no-test-servers=true -pl $M -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
DEPS="$(tr ':' '\n' < $M/target/bench-classpath.txt | grep -v -e slf4j-simple -e '/io/s3dlio/' -e 'connector-fs/target' | paste -sd: -)"
if [ ! -d "$OLD_TREE" ]; then
  git worktree add --detach "$OLD_TREE" "$OLD"
fi
(cd "$OLD_TREE" && "$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -Ds3dlio.no-test-servers=true -pl $M -am compile)
BENCH="$M/target/test-classes"
CP_AFTER="$BENCH:$M/target/classes:connector-fs/target/classes:$DEPS"
CP_BEFORE="$BENCH:$OLD_TREE/$M/target/classes:$OLD_TREE/connector-fs/target/classes:$DEPS"
# The JVM flags Spark needs, from the parent pom (the help plugin is not available offline).
OPENS="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "spark.java.opens not found in pom.xml" >&2; exit 1; }
JAVA=(java -Xmx"${XMX:-8g}" $OPENS)
mkdir -p "$WORK"
OUT="$WORK/results-$(date +%Y%m%d-%H%M%S).txt"
echo "# $(date -Is) start, uptime: $(uptime), cores: $(nproc)" | tee "$OUT.load"
if [ "$SMALL_FILES" -gt 0 ] && [ ! -f "$WORK/small-$SMALL_FILES/f00000.tfrecord" ]; then
  "${JAVA[@]}" -cp "$CP_AFTER" io.s3dlio.tfrecord.spark.bench.TfRecordSparkBench gen-small \
    "$WORK/small-$SMALL_FILES" "$SMALL_FILES" 10 4096
fi
for run in $(seq 1 "$RUNS"); do
  for side in before after; do
    cp_var="CP_${side^^}"
    echo "run $run: $side (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT.load" >&2
    "${JAVA[@]}" -cp "${!cp_var}" io.s3dlio.tfrecord.spark.bench.TfRecordSparkBench run "$side" "$ROWS" "$WORK" \
      "$WORK/small-$SMALL_FILES" > "$OUT.$run.$side" 2> "$OUT.$run.$side.log"
    grep '^RESULT|' "$OUT.$run.$side" | tee -a "$OUT"
  done
done
echo "case | before s (partitions) | after s (partitions) | after/before | before cpu s | after cpu s | after/before cpu"
awk -F'|' '
  { key = $3; v[$2, key, ++n[$2, key]] = $4; c[$2, key, n[$2, key]] = $6; p[$2, key] = $5
    if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
  function median(arr, side, key,   m, i, j, t, a) {
    m = n[side, key]; for (i = 1; i <= m; i++) a[i] = arr[side, key, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  function med(side, key) { return median(v, side, key) }
  function medc(side, key) { return median(c, side, key) }
  END { for (i = 1; i <= k; i++) { key = order[i]; b = med("before", key); a = med("after", key)
    cb = medc("before", key); ca = medc("after", key)
    printf "%s | %.2f (%d) | %.2f (%d) | %.2f | %.2f | %.2f | %.2f\n", key, b, p["before", key], a, p["after", key], a / b,
      cb, ca, (cb > 0 ? ca / cb : 0) } }' "$OUT"
echo "# $(date -Is) end, uptime: $(uptime)" | tee -a "$OUT.load"
echo "raw results: $OUT" >&2
