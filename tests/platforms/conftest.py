"""The platforms' suites run with every log record checked for private data
(tests/support/privacy.py)."""

from tests.support.privacy import log_collector, no_private_data_in_logs

__all__ = ["log_collector", "no_private_data_in_logs"]
