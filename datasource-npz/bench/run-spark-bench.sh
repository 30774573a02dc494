#!/usr/bin/env bash
# Spark NPZ read benchmark, before/after in one run (docs/npz.md): io.s3dlio.npz.bench.NpzSparkBench
# on local[2], on the classpath of this checkout ("new") and on that of an older checkout ("old",
# built with `mvn package`, never `install`), alternating old/new JVMs for ROUNDS rounds.
#   MOF=$PWD/bin/mvn-offline-first; git worktree add /tmp/npz-old d852f84 && (cd /tmp/npz-old && $MOF -q -DskipTests \
#     -Ds3dlio.no-test-servers=true -pl datasource-npz -am package)
#   datasource-npz/bench/run-spark-bench.sh /tmp/npz-old [DIR=target/npz-bench] [ROUNDS=3] [BIG=200] [SMALL=20000]
# REPEATS=N (default 3): runs of each query per JVM; WARMUP=W (default 1) of them, the first, are a
# warm-up (not counted). Spark's JIT compilation goes on for tens of queries in a fresh JVM (perf:
# half of the JVM's CPU samples in C1/C2 compiler threads during 24 runs of one query after 6), so
# sub-second queries are compared warmer with e.g. REPEATS=12 WARMUP=6.
# BENCH_URI=s3://bucket/prefix reads a copy of DIR there instead (storage settings from the
# environment, e.g. `eval "$(bin/s3-test-server start X)"`); EXTRA_JAVA_OPTS are added to both JVMs
# (e.g. -Dspark.hadoop.fs.file.impl=io.s3dlio.fs.S3dlioLocalFileSystem: the previous implementation
# reads file:// through its own store and ignores it).
# BASE=CHECKOUT adds a third implementation ("base", e.g. `git worktree add --detach /tmp/x main` +
# `mvn test-compile`): each round runs old, base and new, and the summary adds new/base (before and
# after a change, side by side with the old source, in one run).
# Prints every timing (RESULT label query seconds partitions value cpu-seconds) to
# DIR/results-<stamp>.txt and a summary: per query, the median and the minimum of the repeats after
# each JVM's first, the median CPU seconds of the JVM, and new/old of each.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OLD="$(cd "${1:?usage: $0 OLD_CHECKOUT [DIR] [ROUNDS] [BIG] [SMALL]}" && pwd)"
DIR="${2:-datasource-npz/target/npz-bench}"
ROUNDS="${3:-3}"; BIG="${4:-200}"; SMALL="${5:-20000}"
REPEATS="${REPEATS:-3}" # runs of each query per JVM
WARMUP="${WARMUP:-1}" # of which the first WARMUP are not counted
((WARMUP < REPEATS)) || { echo "WARMUP ($WARMUP) must be less than REPEATS ($REPEATS)" >&2; exit 2; }
M=datasource-npz
BASE="${BASE:+$(cd "$BASE" && pwd)}"
for c in "$OLD" ${BASE:+"$BASE"}; do
  for d in "$c/$M/target/classes" "$c/connector-fs/target/classes"; do
    [[ -d "$d" ]] || { echo "missing $d: build that checkout with mvn package first" >&2; exit 2; }
  done
done
"$ROOT/bin/mvn-offline-first" -B -q -Dstyle.color=never -Ds3dlio.no-test-servers=true -pl $M -am test-compile dependency:build-classpath \
  -DincludeScope=test -Dmdep.outputFile=target/bench-classpath.txt
# The project's own modules come from each checkout, everything else from the shared dependency list.
DEPS="$(tr ':' '\n' < $M/target/bench-classpath.txt | grep -v -e '/connector-fs' -e slf4j-simple | paste -sd: -)"
MAIN="$M/target/bench-main"
rm -rf "$MAIN" && mkdir -p "$MAIN/io/s3dlio/npz"
cp -r "$M/target/test-classes/io/s3dlio/npz/bench" "$MAIN/io/s3dlio/npz/"
NEW_CP="$M/target/classes:connector-fs/target/classes:$MAIN:$DEPS"
OLD_CP="$OLD/$M/target/classes:$OLD/connector-fs/target/classes:$MAIN:$DEPS"
BASE_CP="${BASE:+$BASE/$M/target/classes:$BASE/connector-fs/target/classes:$MAIN:$DEPS}"
OPENS="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)"
[ -n "$OPENS" ] || { echo "spark.java.opens not found in pom.xml" >&2; exit 1; }
JAVA=(java -Xmx3g $OPENS ${EXTRA_JAVA_OPTS:-} -Dlog4j2.configurationFile="$ROOT/$M/src/test/resources/log4j2-test.properties")
mkdir -p "$DIR"
"${JAVA[@]}" -cp "$NEW_CP" io.s3dlio.npz.bench.NpzSparkBench prepare "$DIR" "$BIG" "$SMALL"
OUT="$DIR/results-$(date +%Y%m%d-%H%M%S).txt"
echo "# $(date -Is) uptime: $(uptime) uri: ${BENCH_URI:-$DIR} opts: ${EXTRA_JAVA_OPTS:-} repeats: $REPEATS warmup: $WARMUP load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc)" > "$OUT"
for ((r = 1; r <= ROUNDS; r++)); do
  if ((r % 2)); then order="old ${BASE:+base }new"; else order="new ${BASE:+base }old"; fi
  for impl in $order; do
    cp_var="${impl^^}_CP"
    echo "# round $r $impl load: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"
    "${JAVA[@]}" -cp "${!cp_var}" io.s3dlio.npz.bench.NpzSparkBench run "${BENCH_URI:-$DIR}" "$impl" "$REPEATS" | grep -e '^RESULT' -e '^PHASES' -e '^TASKS' | tee -a "$OUT"
  done
done
/usr/bin/python3 - "$OUT" "$REPEATS" "$WARMUP" <<'PY'
import statistics, sys
from collections import defaultdict
times, cpus, parts, seen = defaultdict(list), defaultdict(list), {}, defaultdict(int)
repeats, warmup = int(sys.argv[2]), int(sys.argv[3])
def counted(n):  # the n-th run (from 1) of a query in one implementation's run file
    return (n - 1) % repeats >= warmup
for line in open(sys.argv[1]):
    if not line.startswith("RESULT"):
        continue
    _, impl, q, sec, p, _value, cpu = line.split()
    seen[(impl, q)] += 1
    parts[(impl, q)] = int(p)
    # the first WARMUP timings of each query in each JVM are a warm-up: REPEATS runs per JVM
    if counted(seen[(impl, q)]):
        times[(impl, q)].append(float(sec))
        cpus[(impl, q)].append(float(cpu))
def table(old):
    print(f"new against {old}:")
    print(f"{'query':30} {'old s':>7} {'new s':>7} {'new/old':>7} {'min old':>7} {'min new':>7} {'new/old':>7}"
          f" {'cpu old':>7} {'cpu new':>7} {'new/old':>7} {'old parts':>9} {'new parts':>9}")
    for q in sorted({k[1] for k in times}):
        o, n = statistics.median(times[(old, q)]), statistics.median(times[("new", q)])
        mo, mn = min(times[(old, q)]), min(times[("new", q)])
        co, cn = statistics.median(cpus[(old, q)]), statistics.median(cpus[("new", q)])
        print(f"{q:30} {o:7.2f} {n:7.2f} {n / o:7.2f} {mo:7.2f} {mn:7.2f} {mn / mo:7.2f} {co:7.2f} {cn:7.2f} {cn / co:7.2f}"
              f" {parts[(old, q)]:9d} {parts[('new', q)]:9d}")
table("old")
if any(k[0] == "base" for k in times):
    table("base")
print(f"(median and minimum of {len(times[next(iter(times))])} timed runs per query and implementation, {warmup} warm-up run(s) per JVM;"
      " cpu: median CPU seconds of the JVM during the query)")
phases, pseen = defaultdict(list), defaultdict(int)
for line in open(sys.argv[1]):
    if line.startswith("PHASES"):
        _, impl, q, _l, load, _p, plan, _r, run = line.split()
        pseen[(impl, q)] += 1
        if counted(pseen[(impl, q)]):
            phases[(impl, q)].append((float(load), float(plan), float(run)))
if phases:
    print("phases, median seconds: load() (listing, schema) / planning / running (incl. the scan's partitions):")
    for q in sorted({k[1] for k in phases}):
        cells = []
        for impl in sorted({k[0] for k in phases}):
            v = phases.get((impl, q))
            if v:
                cells.append(impl + " " + " / ".join(f"{statistics.median(x[i] for x in v):.2f}" for i in range(3)))
        print(f"{q:30} " + "   ".join(cells))
tasks, tseen = defaultdict(list), defaultdict(int)
for line in open(sys.argv[1]):
    if line.startswith("TASKS"):
        f = line.split()
        impl, q = f[1], f[2]
        tseen[(impl, q)] += 1
        if counted(tseen[(impl, q)]):  # cpu, run[, gc, jit]: seconds
            tasks[(impl, q)].append(tuple(float(f[k]) for k in (4, 6, 10, 12) if k < len(f)))
if tasks:
    print("tasks' executor CPU and run time (Spark task metrics, sums over the query's tasks), median seconds:")
    others = sorted({k[0] for k in tasks} - {"new"})
    print(f"{'query':30} " + " ".join(f"{i + ' cpu':>9} {i + ' run':>9}" for i in others + ["new"])
          + " " + " ".join(f"{'cpu n/' + i[0]:>8} {'run n/' + i[0]:>8}" for i in others))
    jvm = []
    for q in sorted({k[1] for k in tasks}):
        med = {i: [statistics.median(x[k] for x in tasks[(i, q)]) for k in range(len(tasks[(i, q)][0]))]
               for i in others + ["new"] if (i, q) in tasks}
        if "new" not in med:
            continue
        cells = " ".join(f"{med[i][0]:9.3f} {med[i][1]:9.3f}" for i in others + ["new"] if i in med)
        ratios = " ".join(f"{med['new'][0] / med[i][0]:8.2f} {med['new'][1] / med[i][1]:8.2f}" for i in others
                          if i in med and med[i][0] > 0 and med[i][1] > 0)
        print(f"{q:30} {cells} {ratios}")
        jvm.append(f"{q:30} " + "   ".join(f"{i} {med[i][2]:.3f} / {med[i][3]:.3f}" for i in med if len(med[i]) > 3))
    print("the JVM's collectors / JIT compilers during the query, median seconds:")
    print("\n".join(jvm))
PY
echo "# $(date -Is) end, uptime: $(uptime)" | tee -a "$OUT"
echo "raw results: $OUT" >&2
