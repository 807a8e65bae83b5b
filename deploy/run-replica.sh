#!/bin/sh
# Run one NTM Atlas replica in the foreground: deploy/run-replica.sh PORT
#
# The same command serves systemd (deploy/systemd/ntm-atlas@.service), the local stack
# (make deploy-local) and a server without systemd. Configuration from the environment:
#   NTM_DATABASE_URL                the shared database (postgresql+psycopg://…)
#   STREAMLIT_SERVER_COOKIE_SECRET  the same secret on every replica (required)
#   NTM_BIND                        address to listen on (default 127.0.0.1: only nginx reaches it)
#   NTM_SESSION_TTL                 seconds a disconnected session is kept (default 30)
#   NTM_PYTHON                      interpreter (default .venv/bin/python of this checkout)
set -eu
PORT="${1:?usage: deploy/run-replica.sh PORT}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PY="${NTM_PYTHON:-$REPO/.venv/bin/python}"
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
    echo "run-replica.sh: set STREAMLIT_SERVER_COOKIE_SECRET (the same on every replica)" >&2
    exit 2
fi
export NTM_REPLICA="${NTM_REPLICA:-$PORT}"
cd "$REPO"
exec "$PY" -m streamlit run deploy/serve.py \
    --server.port "$PORT" \
    --server.address "${NTM_BIND:-127.0.0.1}" \
    --server.headless true \
    --server.disconnectedSessionTTL "${NTM_SESSION_TTL:-30}" \
    --server.fileWatcherType none \
    --server.runOnSave false \
    --browser.gatherUsageStats false \
    --client.showErrorDetails none
