"""Template filters for ``common.wording``: ``{{ name|with_article }}``, ``{{ when|ago }}``."""

from __future__ import annotations

from django import template

from common import wording

register = template.Library()
register.filter("with_article", wording.with_article)
register.filter("ago", wording.ago)
