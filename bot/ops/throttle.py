"""A warning that floods cannot multiply: one line per interval, with how many were held back."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

# One line a minute is enough to see that an attack or a limit goes on; each line says how many
# more happened since the last one.
DEFAULT_INTERVAL = 60.0


class ThrottledWarning:
    """Logs ``message`` at most once per ``interval`` seconds, counting those held back."""

    def __init__(
        self,
        logger: logging.Logger,
        message: str,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._message = message
        self._interval = interval
        self._clock = clock
        self._next_at = float("-inf")
        self._held_back = 0

    def warn(self, *args: object) -> None:
        """One occurrence: logged now, or counted for the next line."""
        now = self._clock()
        if now < self._next_at:
            self._held_back += 1
            return
        held_back, self._held_back = self._held_back, 0
        self._next_at = now + self._interval
        suffix = f" ({held_back} more since the last report)" if held_back else ""
        self._logger.warning(self._message + suffix, *args)
