"""Test doubles shared across the suite (e.g. a fake OpenAI-compatible server)."""
