#!/usr/bin/env bash
# Serve Storybank for development: the web server, and with REDIS_URL set also a
# Celery worker with beat (the job sweeper) alongside it. Used by `make run`.
set -euo pipefail
BIN="${BIN:-.venv/bin}"
ADDR="${1:-127.0.0.1:8000}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"

"$BIN/python" manage.py migrate --no-input
"$BIN/python" manage.py rescore_stories   # stories scored by an older STAR checker
if [ -n "${REDIS_URL:-}" ]; then
  echo "REDIS_URL is set: starting a Celery worker (with beat) alongside the web server."
  "$BIN/celery" -A config worker --beat --loglevel=INFO &
  worker=$!
  trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM
else
  echo "No REDIS_URL: follow-up jobs run inside the web process."
fi
"$BIN/python" manage.py runserver "$ADDR"
