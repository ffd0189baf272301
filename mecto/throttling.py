"""The API's rate limits as one counter per caller and window, not a list of timestamps.

DRF's throttles keep every request's timestamp of the window in the cache and read, unpickle,
trim, pickle and write that list back on every request: at 1,200 requests a minute that is a
list of 1,200 floats each way, and two cache round trips. Here a caller's window is one integer:
the first request of a window creates it with the window's lifetime, each request adds one, and
past `num_requests` the caller waits until it expires (`Retry-After` says how long). On Redis
that is one round trip (`mecto.cache.RedisCache.count_in_window`); other caches use add + incr.

The rates, scopes and cache keys are DRF's: `DEFAULT_THROTTLE_RATES` applies unchanged.
"""

from __future__ import annotations

from rest_framework import throttling


def count_in_window(cache, key: str, timeout: int) -> tuple[int, int | None]:
    """Add one to `key`'s counter (made with `timeout` seconds to live if missing); returns the
    count and the seconds left in the window (None when the cache cannot say)."""
    counter = getattr(cache, "count_in_window", None)
    if counter is not None:
        return counter(key, timeout)
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key), None
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.add(key, 1, timeout)
        return 1, None


class CountingRateThrottle:
    """Mixin over a DRF `SimpleRateThrottle`: same rate and key, a counter instead of a history."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.count, self.left = count_in_window(self.cache, f"{self.key}:n", self.duration)
        if self.count > self.num_requests:
            return self.throttle_failure()
        return True

    def wait(self):
        left = getattr(self, "left", None)
        return float(self.duration if left is None or left < 0 else max(left, 1))


class AnonRateThrottle(CountingRateThrottle, throttling.AnonRateThrottle):
    """Anonymous callers, by IP address (DRF's `anon` scope)."""


class UserRateThrottle(CountingRateThrottle, throttling.UserRateThrottle):
    """Signed-in callers, by user (DRF's `user` scope)."""
