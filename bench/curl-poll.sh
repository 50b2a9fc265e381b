#!/usr/bin/env bash
# What a user writes without this package: POST the deploy, then poll the job every second until it ends.
#   bench/curl-poll.sh SERVICE_URL TOKEN CACERT BODY_JSON [SLEEP_SECONDS] [COMMAND]
# COMMAND is the orchestrator command to POST (default `deploy`; `task` for a task run).
# Prints one line per request: `post|poll START END STATE` (epoch seconds, µs precision, from $EPOCHREALTIME,
# which costs no fork), so the benchmark can tell when each request was sent and answered.
set -euo pipefail
url="$1/orchestrator/v1"
token="$2"
cacert="$3"
body="$4"
pause="${5:-1}"
command="${6:-deploy}"

t0=$EPOCHREALTIME
reply=$(curl -sS --fail --cacert "$cacert" -H "X-Authentication: $token" -H "Content-Type: application/json" \
  -X POST --data "$body" "$url/command/$command")
[[ $reply =~ \"name\"\ *:\ *\"([0-9]+)\" ]] && job=${BASH_REMATCH[1]}
echo "post $t0 $EPOCHREALTIME $job"

while true; do
  t0=$EPOCHREALTIME
  record=$(curl -sS --fail --cacert "$cacert" -H "X-Authentication: $token" "$url/jobs/$job")
  # the job's own state is the record's first "state" (the later ones are its status history)
  state=unknown
  [[ $record =~ \"state\"\ *:\ *\"([a-z]+)\" ]] && state=${BASH_REMATCH[1]}
  echo "poll $t0 $EPOCHREALTIME $state"
  case "$state" in finished | failed | stopped) exit 0 ;; esac
  sleep "$pause"
done
