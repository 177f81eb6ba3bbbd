"""Generated-input robustness tests: no server error, nothing half-written."""
