"""What a per-file rule gets to look at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmkb.read.postmortem import Postmortem
    from pmkb.read.services import ServiceCatalog
    from pmkb.settings import Settings


@dataclass(frozen=True)
class CheckContext:
    postmortem: Postmortem
    settings: Settings
    catalog: ServiceCatalog | None
    """The service catalog, when the knowledge base has one."""
    today: dt.date
    """The build date: today, or SOURCE_DATE_EPOCH for reproducible builds."""
