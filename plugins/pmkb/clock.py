"""The build date: now, or SOURCE_DATE_EPOCH for reproducible builds."""

from __future__ import annotations

import datetime as dt
import os


def build_moment() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC)


def build_date() -> dt.date:
    return build_moment().date()
