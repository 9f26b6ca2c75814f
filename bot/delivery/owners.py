"""Lease owners: who holds a delivery, and which holders on this host are known to be dead.

An owner is ``<host>:<pid>:<token>``. A process that restarts on the same host (``kill -9``, a
container restart) can then take its predecessor's deliveries at start-up instead of waiting for their
leases to expire: an owner on this host whose process is gone is dead, and so is one with this
process's pid that this process never made (a container's new process often gets its predecessor's
pid). Senders of this process (several run in one process in tests) are alive. Owners on other hosts are
never judged; their leases run out.

>>> owner = new_owner()
>>> dead_local_owners([owner], me=owner)
set()
>>> dead_local_owners([new_owner()], me=owner)  # another sender of this process
set()
>>> host = owner.split(":")[0]
>>> sorted(dead_local_owners([f"{host}:{os.getpid()}:older", "elsewhere:1:abc"], me=owner))  # doctest: +ELLIPSIS
['...:older']
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable

__all__ = ["dead_local_owners", "new_owner"]

# Every owner this process made: they share its pid and are alive while it runs.
_MADE_HERE: set[str] = set()


def new_owner() -> str:
    """A lease owner naming this process, unique across restarts."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    _MADE_HERE.add(owner)
    return owner


def dead_local_owners(owners: Iterable[str], *, me: str) -> set[str]:
    """The ``owners`` that ran on this host in a process that no longer runs (never ``me``)."""
    host, pid = socket.gethostname(), os.getpid()
    dead = set()
    for owner in owners:
        parts = owner.rsplit(":", 2)
        if owner == me or len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        owner_pid = int(parts[1])
        if (owner_pid == pid and owner not in _MADE_HERE) or (owner_pid != pid and not _running(owner_pid)):
            dead.add(owner)
    return dead


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
