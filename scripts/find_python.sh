#!/usr/bin/env bash
# Print the first Python 3.12+ interpreter on this machine (Django 6 needs 3.12).
# pyenv shims answer `command -v` even when the version is not active, so each
# candidate is asked to run, not just looked up.
set -u
for candidate in python3.12 python3.13 python3 \
    "$HOME"/.pyenv/versions/3.12*/bin/python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python3.13 \
    /usr/local/bin/python3.12 /usr/bin/python3.12; do
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
    echo "$candidate"
    exit 0
  fi
done
echo "Storybank needs Python 3.12 or newer (Django 6); none was found." >&2
exit 1
