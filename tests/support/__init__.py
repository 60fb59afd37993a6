"""Services the tests and the benchmarks start for themselves: a Celery stack with Redis, a PostgreSQL server.

Tests import it as `support` (pytest puts tests/ on the path), the benchmarks as `tests.support`."""

import socket


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
