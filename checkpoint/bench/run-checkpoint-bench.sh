#!/usr/bin/env bash
# Checkpoint save/load against raw put/get of the same bytes on the same store, in one run:
#   file:// (TOTAL_MIB, default 4096 = 4 GiB as 8 rank shards) and S3Proxy with its in-memory
#   blobstore (S3_MIB, default 1024: the server holds the objects in its heap), then zstd ratio and
#   throughput on float32 weights (ZSTD_MIB, file://). Prints the lines of io.s3dlio.checkpoint.bench.
#   CheckpointBench (MB/s = 10^6 bytes per second; ratios ours / raw). Only 127.0.0.1 is contacted.
#   checkpoint/bench/run-checkpoint-bench.sh [TOTAL_MIB=4096] [S3_MIB=1024] [ZSTD_MIB=512] [ROUNDS=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOTAL_MIB="${1:-4096}"; S3_MIB="${2:-1024}"; ZSTD_MIB="${3:-512}"; ROUNDS="${4:-2}"
T="$ROOT/checkpoint/target"
MVN="$ROOT/bin/mvn-offline-first -B -q -ntp"

cd "$ROOT"
echo "== building the bench and its classpath" >&2
$MVN -pl checkpoint -am test-compile dependency:build-classpath -DincludeScope=test \
  -Dmdep.outputFile="$T/bench-cp.txt" >&2
CP="$T/test-classes:$T/classes:$(cat "$T/bench-cp.txt")"
JAVA=(java -Xmx5g -XX:+UseParallelGC -Daws.disableEc2Metadata=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
      -cp "$CP" io.s3dlio.checkpoint.bench.CheckpointBench)

echo "== file:// : $TOTAL_MIB MiB as 8 rank shards, $ROUNDS rounds ($(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg))"
DIR="$T/bench-file"; rm -rf "$DIR"; mkdir -p "$DIR"
"${JAVA[@]}" raw "file://$DIR" "$TOTAL_MIB" 8 "$ROUNDS"
rm -rf "$DIR"

echo "== s3:// (S3Proxy, in-memory blobstore): $S3_MIB MiB as 8 rank shards, $ROUNDS rounds"
SDIR="$T/bench-s3proxy"; rm -rf "$SDIR"; mkdir -p "$SDIR"
eval "$(S3_TEST_SERVER_STORE=memory S3_TEST_SERVER_HEAP="${S3_TEST_SERVER_HEAP:-4g}" bin/s3-test-server start "$SDIR")"
trap 'bin/s3-test-server stop "$SDIR"' EXIT
curl -sf -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$AWS_ENDPOINT_URL/bench"
"${JAVA[@]}" raw "s3://bench/ck" "$S3_MIB" 8 "$ROUNDS" s3.path-style=true

echo "== zstd on file:// : $ZSTD_MIB MiB of float32 weights as 8 rank shards"
mkdir -p "$DIR"
"${JAVA[@]}" zstd "file://$DIR" "$ZSTD_MIB" 8 1
rm -rf "$DIR"
