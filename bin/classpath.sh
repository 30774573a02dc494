# Sourced by bin/* launchers: builds the jars when they are missing or older than the sources,
# then sets CP to the runtime classpath of the integration-tests module (which depends on every
# module). SCOPE=runtime (CLI, no Spark) or SCOPE=compile (adds the `provided` Spark and Hadoop).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCOPE="${SCOPE:-runtime}"
CP_FILE="$ROOT/integration-tests/target/classpath-$SCOPE.txt"
need_build=0
if [[ ! -f "$CP_FILE" ]]; then
  need_build=1
elif [[ -n "$(find "$ROOT" -path '*/src/main/*' -newer "$CP_FILE" -print -quit 2>/dev/null)" ]] \
  || [[ -n "$(find "$ROOT" -maxdepth 2 -name pom.xml -newer "$CP_FILE" -print -quit)" ]]; then
  need_build=1
fi
if [[ $need_build == 1 ]]; then
  echo "s3dlio: building jars (first run or sources changed) ..." >&2
  (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never -DskipTests -Ds3dlio.no-test-servers=true package \
      dependency:build-classpath -DincludeScope="$SCOPE" -Dmdep.outputFile="target/classpath-$SCOPE.txt" \
      -pl integration-tests -am) >&2 || { echo "s3dlio: build failed" >&2; exit 2; }
  touch "$CP_FILE"   # the plugin leaves an unchanged file as it was: mark this build as the latest
fi
CP="$ROOT/integration-tests/target/classes:$(cat "$CP_FILE")"
JAVA_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
--add-opens=java.base/sun.security.action=ALL-UNNAMED"
