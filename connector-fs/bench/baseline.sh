# Sourced by the bench scripts: baseline_classes REF builds this repository's connector-fs (the
# FileSystem, the stores, the CLI) as of git ref REF, once, in connector-fs/target/bench-baseline-REF
# (git archive, then compile), and prints its classes folder, for "before" runs beside the current
# code in the same bench run. Needs ROOT and MVN set.
baseline_classes() {
  local ref="$1" b="$ROOT/connector-fs/target/bench-baseline-$1"
  if [[ ! -f "$b/connector-fs/target/classes/io/s3dlio/fs/S3dlioFileSystem.class" ]]; then
    echo "== building the baseline $ref in $b" >&2
    rm -rf "$b" && mkdir -p "$b" && git -C "$ROOT" archive "$ref" | tar -x -C "$b"
    (cd "$b" && $MVN -Ds3dlio.no-test-servers=true -pl connector-fs -am compile >&2)
  fi
  echo "$b/connector-fs/target/classes"
}
