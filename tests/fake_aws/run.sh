#!/usr/bin/env bash
# Helper for the AWS sandbox. Makes sure the project venv (<repo>/.venv, or
# $VENV) has the pinned packages, then:
#   run.sh setup                 install only
#   run.sh test                  run test_sandbox.py
#   run.sh --port 4566 [flags]   run server.py in the foreground
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

if ! "$VENV/bin/python" -c 'import moto, awscli, sys; sys.exit(moto.__version__ != "5.2.5")' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
fi

case "${1:-}" in
  setup) exit 0 ;;
  test) exec "$VENV/bin/python" "$HERE/test_sandbox.py" ;;
  *) exec "$VENV/bin/python" "$HERE/server.py" "$@" ;;
esac
