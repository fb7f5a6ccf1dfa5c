#!/usr/bin/env bash
# Runs a command with a throwaway Redis server for the queued-sweep tests:
#   apps/bench/scripts/with-redis.sh npm test
# starts redis-server bound to 127.0.0.1 on a free port, without persistence, exports
# MTRL_TEST_REDIS_URL=redis://127.0.0.1:PORT, runs the command, then shuts the server down
# (also when the command fails) and exits with the command's status.
# Needs redis-server and redis-cli (Debian: apt-get install -y redis-server).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
for tool in redis-server redis-cli node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-redis.sh: $tool not found (Debian: apt-get install -y redis-server)" >&2
    exit 1
  fi
done

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d)
# A child of this script rather than --daemonize: the script reaps it when it stops, so no
# server or zombie outlives the run in containers without an init process.
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$dir" --logfile "$dir/redis.log" &
redis_pid=$!

stop_redis() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop_redis EXIT

for _ in $(seq 1 50); do
  if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
  sleep 0.1
done
if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
  echo "with-redis.sh: redis-server did not start on port $port:" >&2
  cat "$dir/redis.log" >&2 || true
  exit 1
fi

export MTRL_TEST_REDIS_URL="redis://127.0.0.1:$port"
echo "with-redis.sh: redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') at $MTRL_TEST_REDIS_URL" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
