#!/usr/bin/env bash
# Stops the cluster started by start-rgw.sh DIR (the daemons whose pid files are under DIR/run).
set -uo pipefail
DIR=${1:?usage: stop-rgw.sh DIR}
[ -d "$DIR/run" ] || exit 0
for f in "$DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null
done
for f in "$DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$f"
done
exit 0
