#!/usr/bin/env bash
# NPZ codec read speed against a raw read of the same files, and against the codec as of
# BASELINE_REF, in the same run (docs/performance.md). Per round, two JVMs run
# io.s3dlio.npz.bench.NpzReadBench (codec only, no Spark) on the same folder: "ours" (this tree)
# and "before" (the io.s3dlio.npz.format package of BASELINE_REF compiled over this tree's
# classes). Each JVM measures raw store.get and NpzReader (all members) twice; the second
# (warm) figures are tabulated.
#   [BASELINE_REF=<git ref>] datasource-npz/bench/run-codec-bench.sh [ROUNDS=3] [FILES=200] [MIB=4] [URI=file://<target>/npz-codec-bench]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"; FILES="${2:-200}"; MIB="${3:-4}"
M="$ROOT/datasource-npz"; T="$M/target"
URI="${4:-file://$T/npz-codec-bench}"
MVN="$ROOT/bin/mvn-offline-first -B -q -ntp"
cd "$ROOT"
echo "== building the bench" >&2
$MVN -Ds3dlio.no-test-servers=true -pl datasource-npz -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile="$T/bench-codec-cp.txt" >&2
DEPS="connector-fs/target/classes:$(cat "$T/bench-codec-cp.txt")"
OURS_CP="$M/target/classes:$M/target/test-classes:$DEPS"
LABELS="ours"
if [[ -n "${BASELINE_REF:-}" ]]; then
  B="$T/bench-baseline-codec-$BASELINE_REF"
  rm -rf "$B" && mkdir -p "$B/src" "$B/classes"
  git archive "$BASELINE_REF" datasource-npz/src/main/java/io/s3dlio/npz/format | tar -x -C "$B/src"
  javac -nowarn -d "$B/classes" -cp "$DEPS" $(find "$B/src" -name '*.java')
  BEFORE_CP="$B/classes:$OURS_CP"
  LABELS="ours before"
fi
JAVA=(java -Xmx2g -Daws.disableEc2Metadata=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
MAIN=io.s3dlio.npz.bench.NpzReadBench
echo "== filling $URI ($FILES files x $MIB MiB) if needed" >&2
"${JAVA[@]}" -cp "$OURS_CP" $MAIN "$URI" "$FILES" "$MIB" 2 false >/dev/null

RESULTS="$T/bench-codec-results.txt"; : > "$RESULTS"
side() {  # label, classpath: the warm round's raw and codec MB/s
  "${JAVA[@]}" -cp "$2" $MAIN "$URI" "$FILES" "$MIB" 2 false | tee -a /dev/stderr \
    | sed -n "s/^round 1: raw get \([0-9]*\) MB\/s, NpzReader (all members) \([0-9]*\) MB\/s.*/$1 \1 \2/p" >> "$RESULTS"
}
for round in $(seq "$ROUNDS"); do
  echo "== round $round/$ROUNDS" >&2
  side ours "$OURS_CP"
  [[ -z "${BASELINE_REF:-}" ]] || side before "$BEFORE_CP"
done
echo
echo "Medians over $ROUNDS rounds ($FILES x $MIB MiB stored .npz, $URI, 2 threads, $(nproc) cores)," \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" $LABELS <<'PY'
import sys, statistics, collections
raw, codec = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, r, c = line.split()
    raw[label].append(float(r)); codec[label].append(float(c))
print("| codec | raw get MB/s | NpzReader MB/s | NpzReader / raw (median of per-JVM ratios) |")
print("|---|---|---|---|")
for l in sys.argv[2:]:
    ratios = [c / r for r, c in zip(raw[l], codec[l])]
    print(f"| {l} | {statistics.median(raw[l]):.0f} | {statistics.median(codec[l]):.0f} | {statistics.median(ratios):.2f} |")
if "before" in codec:
    print(f"ours / before (NpzReader MB/s, medians): {statistics.median(codec['ours']) / statistics.median(codec['before']):.2f}")
PY
