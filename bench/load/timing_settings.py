"""Storybank's settings plus the capacity run's timing (``bench/load/timing.py``).

Only ``bench/load_test.py --capacity`` points gunicorn's DJANGO_SETTINGS_MODULE here.
"""

from django.conf import global_settings

from config.settings import *  # noqa: F403 - the app's own settings, unchanged
from config.settings import MIDDLEWARE

_hashers = list(globals().get("PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS))
#: The hasher the app is configured with, timed by ``TimedHasher`` (same algorithm).
LOAD_TIMED_HASHER = _hashers[0]
PASSWORD_HASHERS = ["bench.load.timing.TimedHasher", *_hashers[1:]]
MIDDLEWARE = ["bench.load.timing.TimingMiddleware", *MIDDLEWARE]
