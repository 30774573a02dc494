#!/usr/bin/env bash
# Index-generation benchmark (docs/tfrecord.md). Builds the module's test classes, then runs
# io.s3dlio.tfrecord.bench.IndexBench, which writes two 2 GB TFRecord files (100 KB and 1 KB
# records), indexes them with each scan mode and with bench/tfrecord2idx.py (DALI's algorithm in
# python3), and prints MB/s and the ratio. Extra arguments go to IndexBench, e.g.
#   --size-mb 512     smaller files
#   --remote s3://bucket/prefix/   also index copies on an object store (settings from AWS_* env)
#   --s3proxy         the same on the project's S3 test server (S3Proxy)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
"$ROOT/bin/mvn-offline-first" -B -q -pl datasource-tfrecord -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
M=datasource-tfrecord
CP="$M/target/test-classes:$M/target/classes:connector-fs/target/classes:connector-fs/target/test-classes:$(cat $M/target/bench-classpath.txt)"
exec java -Xmx1g -Ds3dlio.s3proxy.jar="$ROOT/$M/target/test-servers/s3proxy.jar" \
  -Ds3dlio.test.servers.dir="$ROOT/$M/target/test-servers" -cp "$CP" io.s3dlio.tfrecord.bench.IndexBench --python "$M/bench/tfrecord2idx.py" "$@"
