#!/usr/bin/env bash
# Loader benchmark (docs/loader.md): io.s3dlio.loader.bench.LoaderBench writes 100,000 TFRecord
# records of ~4 KB (10 files, with DALI indexes) to the S3 test server (S3Proxy, started here) and
# to local disk, and reads them by index with shuffle through the DataLoader (blocks of a batch;
# groups of 8 blocks of 2,048 records), against one sequential read of the same bytes (the
# ceiling, also with TFRecord framing and CRC checks, and that on 8 threads: the CPU-bound reference)
# and one range GET per sample with the same concurrency (the baseline), interleaved, several
# repetitions after --warmup N (default 2) local ones, and more while the last one still spent over 0.1 s
# in the JIT compiler (at most --max-warmup N, default 12). Extra arguments go to LoaderBench, e.g.
#   --samples 20000 --workers 4 --target s3 --reps 2 --skip-full --probe
# LOADER_BENCH_JVM_OPTS adds JVM options, e.g. a JFR recording:
#   LOADER_BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/l.jfr,settings=profile" ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
M=loader-bridge
"$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -pl $M -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
# A copy of the compiled classes, so that a build during the (long) run cannot change them under it.
B="$M/target/bench-classes"
rm -rf "$B" && mkdir -p "$B"
for d in $M/target/test-classes $M/target/classes connector-fs/target/classes connector-fs/target/test-classes \
    datasource-tfrecord/target/classes datasource-npz/target/classes; do
  mkdir -p "$B/$d" && cp -r "$d/." "$B/$d/"
done
CP="$B/$M/target/test-classes:$B/$M/target/classes:$B/connector-fs/target/classes:$B/connector-fs/target/test-classes"
CP="$CP:$B/datasource-tfrecord/target/classes:$B/datasource-npz/target/classes:$(cat $M/target/bench-classpath.txt)"
cp "$M/target/test-servers/s3proxy.jar" "$B/s3proxy.jar"
exec java -Xmx2g -XX:+UseParallelGC ${LOADER_BENCH_JVM_OPTS:-} -Ds3dlio.s3proxy.jar="$ROOT/$B/s3proxy.jar" \
  -Ds3dlio.test.servers.dir="$ROOT/$B/servers" -cp "$CP" io.s3dlio.loader.bench.LoaderBench \
  --dir "$M/target/bench" "$@"
