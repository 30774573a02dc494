#!/usr/bin/env bash
# The bridge benchmark: the same DataFrame to 2 Python consumers by the bridge, by raw loopback TCP
# (the ceiling) and by materialise-then-read (Spark writes .npz, numpy reads it). One run, ratios.
# Usage: loader-bridge/bench/run.sh [ROWS (default 512000: 2.1 GB)] [PARTITIONS (default 32)] [WORKDIR]
# Java system properties in BENCH_JAVA_OPTS: -Dbench.paths=bridge,raw,npz,scan -Dbench.bridge.<option>=<value>
# Before/after: BENCH_MAIN_CLASSES and BENCH_PYTHON_DIR point at another checkout's loader-bridge classes and
# Python package (this checkout's harness runs over them); BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-512000}"; PARTS="${2:-32}"; WORK="${3:-${TMPDIR:-/tmp}/bridge-bench}"
CP_FILE=loader-bridge/target/bench-classpath.txt
[ -n "${BENCH_SKIP_BUILD:-}" ] || bin/mvn-offline-first -B -q -ntp -pl loader-bridge -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/$CP_FILE" \
  -Dmdep.includeScope=test -Ds3dlio.no-test-servers=true
OPENS=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
# 6 GiB of heap: the 2 GB DataFrame stays in Spark's storage memory (persist(), MEMORY_AND_DISK).
exec java -Xmx${BENCH_HEAP:-6g} ${BENCH_JAVA_OPTS:-} $OPENS -Ds3dlio.bridge.python.dir="${BENCH_PYTHON_DIR:-$PWD/loader-bridge/python}" \
  -cp "${BENCH_MAIN_CLASSES:-loader-bridge/target/classes}:loader-bridge/target/test-classes:$(cat "$CP_FILE")" \
  io.s3dlio.bridge.bench.BridgeBench "$ROWS" "$PARTS" "$WORK" "$PWD/loader-bridge/bench"
