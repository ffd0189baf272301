"""Django's Redis cache with one Redis client per server, reused by every call.

Django's backend builds a new `redis.Redis` object (over the same pool) for every cache call;
the API's throttles, sessions and catalogue versions make several such calls per request.
Here each process thread keeps one client per server, made on first use.

`count_in_window` is the rate limits' counter (`mecto.throttling`): one round trip a request.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count_in_window(self, key, timeout: int, version=None) -> tuple[int, int]:
        """Add one to a counter that lives `timeout` seconds from its first count (the API's rate
        limits, `mecto.throttling`), in one atomic round trip; returns (count, seconds left)."""
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _created, count, left = pipe.execute()
        return count, left
