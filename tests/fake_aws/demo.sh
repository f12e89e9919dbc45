#!/usr/bin/env bash
# `make demo`: starts the local AWS sandbox on loopback, seeds the SecurePets scenario, and opens
# Gatehouse pointed at it through AWS_ENDPOINT_URL and dummy credentials. Ctrl-C or closing the
# window stops both.
set -euo pipefail
app=${1:-target/debug/gatehouse}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py="$root/.venv/bin/python"
port=${GATEHOUSE_DEMO_PORT:-4566}

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "make demo opens a window: run it from a desktop session (or under xvfb-run)." >&2
  exit 1
fi

workdir=$(mktemp -d)
"$py" "$here/server.py" --port "$port" > "$workdir/sandbox.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$workdir"' EXIT
for _ in $(seq 100); do grep -q READY "$workdir/sandbox.log" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$workdir/sandbox.log" || { cat "$workdir/sandbox.log" >&2; echo "sandbox did not start (is port $port free? set GATEHOUSE_DEMO_PORT)" >&2; exit 1; }
url="http://127.0.0.1:$port"
"$py" "$here/seed.py" --endpoint "$url" > "$workdir/seed.json"
# A few more APIs in other regions (some owned by a stack), for the Sweep tab to find.
"$py" "$here/seed_sweep.py" --endpoint "$url" --regions eu-west-1,ap-southeast-2 --rest 2 --http 2 \
  --stack-every 2 > "$workdir/sweep.json"

# Two profiles of their own, so the picker has something to switch between; your real
# ~/.aws files are left alone.
mkdir -p "$workdir/aws"
cat > "$workdir/aws/config" <<CFG
[profile sandbox-pets]
region = us-east-1
endpoint_url = $url

[profile sandbox-pools]
region = eu-west-1
endpoint_url = $url
CFG
cat > "$workdir/aws/credentials" <<CRED
[sandbox-pets]
aws_access_key_id = AKIADEMOSANDBOX00001
aws_secret_access_key = demo-secret-not-real

[sandbox-pools]
aws_access_key_id = AKIADEMOSANDBOX00002
aws_secret_access_key = demo-secret-not-real
CRED

echo "Sandbox at $url, seeded with SecurePets (us-east-1) and PetsPool (eu-west-1)."
echo "Token check: sign in as alice / Gatehouse-demo-1 (PetsPool, app client web) or bob / Gatehouse-demo-2 (AdminPool, admin-console)."
echo "Sweep tab: 8 more APIs in eu-west-1 and ap-southeast-2 (a CloudFormation stack owns some; PetsHttp too)."
echo "Opening Gatehouse…"
AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
AWS_CONFIG_FILE="$workdir/aws/config" AWS_SHARED_CREDENTIALS_FILE="$workdir/aws/credentials" \
  "$root/$app"
