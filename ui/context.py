"""What the screens share: settings, the operations layer, the core once it is open, and who
is logged in. Plain state; screens change it only through operations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.config import Config
from app.domain.users import Actor, User
from ui.ops import ChangeBus, Ops

if TYPE_CHECKING:  # the database layer loads on the worker after the window is shown
    from app.services.core import Core
    from app.services.setup import DeskIdentity


@dataclass
class DeskContext:
    config: Config
    ops: Ops
    bus: ChangeBus
    core: Core | None = None
    identity: DeskIdentity | None = None
    user: User | None = None
    idle_lock_minutes: int = 10

    @property
    def actor(self) -> Actor:
        if self.user is None:
            raise RuntimeError("no user is logged in")
        return Actor.of(self.user)

    def require_core(self) -> Core:
        if self.core is None:
            raise RuntimeError("the core is not open yet")
        return self.core
