from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text, tz=SHANGHAI):
    """An aware moment from "YYYY-MM-DD HH:MM[:SS.ffffff]" (Shanghai time unless `tz`)."""
    return datetime.fromisoformat(text).replace(tzinfo=tz)
