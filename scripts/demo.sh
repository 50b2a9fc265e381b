#!/usr/bin/env bash
# The demo: the root Pulumi.yaml program (demo/index.ts) against the embedded PE orchestrator emulator, with a
# local backend. Everything it writes lives in $PE_DEMO_DIR (default .demo/, ignored by git).
#   npm run demo              start the emulator (or reuse it), pulumi up, print job ids, states and the plan result
#   npm run demo -- destroy   destroy the demo stack and stop the emulator
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p "${PE_DEMO_DIR:-.demo}"
demo_dir="$(cd "${PE_DEMO_DIR:-.demo}" && pwd)"
pid_file="$demo_dir/emulator.pid"
config_file="$demo_dir/Pulumi.demo.yaml"

bash scripts/ensure-deps.sh
npx tsc -p tsconfig.build.json
export PATH="$(bash scripts/pulumi-cli.sh):$PATH"
mkdir -p "$demo_dir/state" "$demo_dir/home"
export PULUMI_BACKEND_URL="file://$demo_dir/state" PULUMI_HOME="$demo_dir/home"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-demo}" PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# The dynamic provider process loads `pulumi-pe-orchestrator/dynamic` from the node_modules around its working
# directory (this repository), where the package is not installed: it is this repository. A link on NODE_PATH
# stands in for the installed package a user's project has.
mkdir -p "$demo_dir/node_modules"
ln -sfn "$PWD" "$demo_dir/node_modules/pulumi-pe-orchestrator"
export NODE_PATH="$demo_dir/node_modules${NODE_PATH:+:$NODE_PATH}"

# True when the pid file names a live emulator (not some other process that reused the pid).
emulator_running() {
  [[ -f "$pid_file" ]] && ps -p "$(cat "$pid_file")" -o args= 2>/dev/null | grep -q "emulator/cli.js"
}

stop_emulator() {
  if emulator_running; then
    local pid
    pid="$(cat "$pid_file")"
    kill -TERM "$pid"
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "demo: emulator (pid $pid) stopped"
  fi
  rm -f "$pid_file" "$demo_dir/emulator.url"
}

# Starts the emulator in the background on port $1 (0: any free port) and waits for its ready line. Returns 1
# when it exits before that (e.g. the port is taken).
launch_emulator() {
  rm -f "$demo_dir/emulator.out"
  # Its own session (where setsid exists), so a Ctrl-C of `pulumi up` does not stop it; output to files, so it
  # holds no terminal or pipe of ours.
  local detach=()
  command -v setsid >/dev/null && detach=(setsid)
  ${detach[@]+"${detach[@]}"} node dist/emulator/cli.js --port "$1" --state-dir "$demo_dir/emulator" \
    --time-scale 20 </dev/null >"$demo_dir/emulator.out" 2>"$demo_dir/emulator.log" &
  local pid=$! url=""
  for _ in $(seq 150); do
    url="$(sed -n 's/^pe-orchestrator-emulator ready at \([^ ]*\) .*/\1/p' "$demo_dir/emulator.out")"
    [[ -n "$url" ]] && break
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  if [[ -z "$url" ]]; then
    echo "demo: the emulator did not report ready within 15 s (see $demo_dir/emulator.log)" >&2
    exit 1
  fi
  echo "$pid" >"$pid_file"
  echo "$url" >"$demo_dir/emulator.url"
  echo "${url##*:}" >"$demo_dir/emulator.port"
  echo "demo: emulator started (pid $pid) at $url"
}

# Reuses a running emulator, else starts one. It keeps its CA, token and job history in $demo_dir/emulator and
# comes back on its last port when it can, so a restart serves the same jobs at the same URLs.
start_emulator() {
  if emulator_running && [[ -f "$demo_dir/emulator.url" ]]; then
    echo "demo: emulator already running (pid $(cat "$pid_file")) at $(cat "$demo_dir/emulator.url")"
    return
  fi
  local port=0
  [[ -f "$demo_dir/emulator.port" ]] && port="$(cat "$demo_dir/emulator.port")"
  launch_emulator "$port" && return
  if [[ "$port" != 0 ]] && launch_emulator 0; then return; fi
  echo "demo: the emulator exited:" >&2
  cat "$demo_dir/emulator.log" >&2
  exit 1
}

# The stack config lives in $demo_dir, not next to Pulumi.yaml: `stack init` always writes Pulumi.<stack>.yaml
# beside the project file, so it runs on a copy of it there and every later command names the file.
pulumi_stack_exists() {
  pulumi stack select demo --non-interactive >/dev/null 2>&1
}
if ! pulumi_stack_exists; then
  mkdir -p "$demo_dir/init"
  cp Pulumi.yaml "$demo_dir/init/"
  (cd "$demo_dir/init" && pulumi stack init demo --non-interactive >/dev/null)
  mv "$demo_dir/init/Pulumi.demo.yaml" "$config_file"
  rm -rf "$demo_dir/init"
  pulumi stack select demo --non-interactive >/dev/null
fi

if [[ "${1:-}" == "destroy" ]]; then
  # Deleting a finished job makes no API call, so destroy works whether or not the emulator still runs.
  pulumi destroy --yes --skip-preview --non-interactive --config-file "$config_file"
  pulumi stack rm demo --yes --non-interactive >/dev/null
  rm -f "$config_file"
  echo "demo: stack removed"
  stop_emulator
  exit 0
fi

start_emulator
pulumi config set-all --config-file "$config_file" \
  --plaintext "pe:serviceUrl=$(cat "$demo_dir/emulator.url")" \
  --plaintext "pe:codeManagerUrl=$(cat "$demo_dir/emulator.url")" \
  --plaintext "pe:cacert=$demo_dir/emulator/ca.pem" \
  --plaintext "pe:tokenFile=$demo_dir/emulator/token" \
  --plaintext "pe:puppetdbUrl=$(cat "$demo_dir/emulator.url")" \
  --plaintext "pe:classifierUrl=$(cat "$demo_dir/emulator.url")"
pulumi up --yes --skip-preview --non-interactive --config-file "$config_file"

echo
pulumi stack output --json --non-interactive | node -e '
  const o = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
  const json = (v) => JSON.stringify(v);
  console.log("== Demo results");
  console.log(`CodeDeploy production: deploy ${o.codeDeployId}, state ${o.codeDeployState}, commit ${o.codeDeploySignature}`);
  console.log(`EnvironmentDeploy production: job ${o.deployJobId}, state ${o.deployState}, nodes ${json(o.deployNodeStates)}`);
  console.log(`  ${o.deployJobUrl}`);
  console.log(`PlanRun canary: plan job ${o.planJobId}, state ${o.planState}`);
  console.log(`  ${o.planJobUrl}`);
  console.log(`  task jobs of its steps: ${(o.planTaskJobIds ?? []).join(", ")}`);
  console.log(`  plan result: ${json(o.planResult)}`);
'
echo
echo "Destroy the stack and stop the emulator: npm run demo -- destroy"
