# Sourced by bin/s3dlio and connector-fs/bench/run-get-bench.sh: the JVM options of a CLI run, and
# the class-data sharing archive it starts with.
# Short transfer commands (get, put, cp, ls, stat, rm) start in about half the time with the client
# compiler only and the serial collector: on few cores the C2 compiler threads and G1's set-up
# compete with the transfer for the whole of a short run (docs/performance.md, `s3dlio get`). The
# copy loops of a transfer are the JDK's own (socket and file channel reads and writes), so C1 code
# costs them little. CPU-bound commands (bench, tfrecord-*, checkpoint) keep the JVM's defaults.
# S3DLIO_QUICK_JVM=off turns it off.
CLI_QUICK_JVM_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

# cli_jvm_opts ARGS...: prints the extra JVM options for the command line ARGS (maybe none)
cli_jvm_opts() {
  [[ "${S3DLIO_QUICK_JVM:-on}" == off ]] && return 0
  local a skip=0
  for a in "$@"; do
    if [[ $skip == 1 ]]; then skip=0; continue; fi
    case "$a" in
      --set|--op-log) skip=1 ;;                 # root options that take a value
      -*) ;;
      get|put|cp|ls|stat|rm) echo "$CLI_QUICK_JVM_OPTS"; return 0 ;;
      *) return 0 ;;
    esac
  done
}

# cli_make_archive JSA CP: makes the class-data sharing archive (the JDK's dynamic AppCDS) of the CLI
# on the classpath CP: io.s3dlio.cli.ArchiveWarmUp runs put, ls and a ranged get through the S3
# client against a minimal S3 endpoint in its own JVM, so the classes of a successful transfer are
# archived (a request to a closed port left half of a real get's classes out; docs/performance.md).
# It runs with an empty environment (no user setting or credential reaches it). Leaves no JSA when it
# fails.
cli_make_archive() {
  local jsa="$1" cp="$2" tmp="$1.$$.tmp"
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" AWS_CONFIG_FILE=/nonexistent/s3dlio-warm-up \
      AWS_SHARED_CREDENTIALS_FILE=/nonexistent/s3dlio-warm-up \
      java -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds*=off -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
      -Daws.disableEc2Metadata=true -cp "$cp" io.s3dlio.cli.ArchiveWarmUp >/dev/null 2>&1 || true
  if [[ -s "$tmp" ]]; then mv -f "$tmp" "$jsa"; else rm -f "$tmp"; fi
}
