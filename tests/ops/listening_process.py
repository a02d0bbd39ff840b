"""A listener in a process that has almost no file descriptors left, for the accept() error test.

Run as ``python -m tests.ops.listening_process SPARE``: it lowers its open-file limit to what it
already uses plus SPARE, serves on a free loopback port (printed on stdout), and stops when its
standard input closes. Its log goes to standard error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import sys

from aiohttp import web

from bot.ops.listening import HttpListener, ListenLimits


async def main(spare: int) -> None:
    app = web.Application()
    listener = HttpListener(app, "starved", ListenLimits())
    await listener.start("127.0.0.1", 0)
    in_use = len(os.listdir("/proc/self/fd"))
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (in_use + spare, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    )
    print(listener.port, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    await listener.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main(int(sys.argv[1])))
