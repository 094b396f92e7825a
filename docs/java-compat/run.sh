#!/bin/sh
# Compiles and runs CompatBasic and CompatSemantics against a name server, with the Java
# RocketMQ 4.9.4 client of an already extracted distribution (see docs/java-compat.md and
# reference-server.md; nothing is downloaded here).
#
#   ROCKETMQ_HOME=/path/to/rocketmq-all-4.9.4-bin-release sh docs/java-compat/run.sh 127.0.0.1:9876 [checks...]
#
# Run it where the name server is reachable (e.g. under `ip netns exec <ns>`). The broker needs
# enablePropertyFilter=true and a short transactionCheckInterval (5000) for CompatSemantics.
set -eu
if [ -z "${ROCKETMQ_HOME:-}" ]; then
  echo "java-compat: NOT RUN: ROCKETMQ_HOME is unset (needs the RocketMQ 4.9.4 distribution)" >&2
  exit 2
fi
NS=${1:-127.0.0.1:9876}
[ $# -gt 0 ] && shift
HERE=$(cd "$(dirname "$0")" && pwd)
N=/usr/share/java
CP="$ROCKETMQ_HOME/conf:$ROCKETMQ_HOME/lib/*:$N/netty-buffer.jar:$N/netty-codec.jar:$N/netty-common.jar:$N/netty-handler.jar:$N/netty-resolver.jar:$N/netty-transport.jar:$N/netty-transport-native-epoll.jar:$N/netty-transport-native-unix-common.jar"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
javac -nowarn -cp "$CP" -d "$OUT" "$HERE/CompatBasic.java" "$HERE/CompatSemantics.java"
JOPTS="-Xms256m -Xmx256m -Duser.home=$OUT --add-opens java.base/java.nio=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED"
status=0
java $JOPTS -cp "$OUT:$CP" CompatBasic "$NS" > "$OUT/basic.log" 2>&1 || status=1
grep -E '^(CHECK|topic=)' "$OUT/basic.log" || true
java $JOPTS -cp "$OUT:$CP" CompatSemantics "$NS" "$@" > "$OUT/semantics.log" 2>&1 || status=1
grep -E '^(CHECK|run=|  )' "$OUT/semantics.log" || true
exit $status
