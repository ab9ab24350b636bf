"""Shared by the hostile-input tests: example budgets, input strategies, a bare WeChat channel."""

from __future__ import annotations

import itertools
import os
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.channels.wechat import WeChatChannel
from tests.unit.channels.wechat_support import (
    AES_KEY,
    APP_ID,
    NONCE,
    TOKEN,
    signature,
)

__all__ = [
    "NOW",
    "PURE",
    "SCALE",
    "THROUGH_HTTP",
    "TODAY",
    "channel",
    "examples",
    "hostile_text",
    "next_serial",
    "sender",
    "signed",
    "xml_text",
]

# HOTLINE_FUZZ_SCALE=20 makes a deeper hunt (the default keeps these files under a minute).
SCALE = float(os.environ.get("HOTLINE_FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    return max(1, int(count * SCALE))


# Through the whole gateway (TestClient): fewer examples; the fixture's state is shared by
# the examples on purpose (each example uses a sender of its own).
THROUGH_HTTP = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PURE = settings(max_examples=examples(300), deadline=None)
TODAY = date(2026, 5, 1)
NOW = 1_780_000_000

# Characters XML 1.0 allows in text (no C0 controls but tab and newlines, no U+FFFE/FFFF);
# "\r" is left out because XML turns it into "\n".
xml_text = st.text(
    st.one_of(
        st.characters(
            min_codepoint=0x20, exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"
        ),
        st.sampled_from("\t\n"),
    )
)
# Anything a worker could paste: emoji, zero-width and bidi marks, control characters.
hostile_text = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["😀", "👩‍👧", "\u200b", "\u202e", "\x00", "\x07", "\x1b", "\ufeff", "\n"]),
    ),
    max_size=80,
).map("".join)
_counter = itertools.count()


def next_serial() -> int:
    """A number no other example of this run has used (senders must not share state)."""
    return next(_counter)


def sender(prefix: str) -> str:
    return f"{prefix}{next_serial()}"


def channel(clock: float = NOW) -> WeChatChannel:
    """The channel's verification and parsing only (no relay: nothing is answered)."""
    return WeChatChannel(
        token=TOKEN,
        relay=None,  # type: ignore[arg-type]
        ledger=None,  # type: ignore[arg-type]
        redis_client=None,  # type: ignore[arg-type]
        deliveries=None,  # type: ignore[arg-type]
        app_id=APP_ID,
        encoding_aes_key=AES_KEY,
        clock=lambda: clock,
    )


def signed(timestamp: int | str) -> dict[str, str]:
    ts = str(timestamp)
    return {"signature": signature(TOKEN, ts, NONCE), "timestamp": ts, "nonce": NONCE}
