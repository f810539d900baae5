"""A chat's or a channel's messages, as WhatsApp exports them or Telegram Desktop copies them.

Analysts follow alert channels and groups that post policy and price news first ("MOFCOM says export
licence applications … will now be processed within 30 working days"). Their text comes as an export
("04/12/2026, 09:14 - Rare Earth Alerts: MOFCOM says …", or "[04/12/2026, 09:14:22] …" from an iPhone)
or a copy ("Rare Earth Alerts, [04.12.26 09:14]" over the message). Read as any text, each message's
time and sender opened its statement, the channel's name was the title and the folder the publisher,
and the chat was undated (written here). Here each message is a paragraph of its own, without its
header; one sender publishes and writes it, the first message dates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

_DAY = r"(?P<day>\d{1,2}[./]\d{1,2}[./]\d{2,4})"
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?)"
_SENDER = r"(?P<sender>[^:\[\]\n]{1,60}?)"
_HEADERS = [
    re.compile(rf"^{_DAY},?\s+{_TIME}\s+[-–]\s+{_SENDER}:\s(?P<text>.*)$"),  # WhatsApp on Android
    re.compile(rf"^\[{_DAY},?\s+{_TIME}\]\s+{_SENDER}:\s(?P<text>.*)$"),  # WhatsApp on an iPhone
    re.compile(rf"^{_SENDER},\s+\[{_DAY},?\s+{_TIME}\]$"),  # Telegram Desktop's copy: the text on the lines under it
]
# What WhatsApp writes with no sender: "04/12/2026, 09:14 - Messages and calls are end-to-end encrypted."
_NOTICE = re.compile(rf"^\[?{_DAY},?\s+{_TIME}\]?\s+[-–]?\s*[^:]*$")
_OMITTED = re.compile(r"^<(?:media|image|video|audio|document|sticker)s? omitted>$|^this message was deleted\.?$", re.IGNORECASE)
_MIN_MESSAGES = 2
_OPENING_LINES = 3  # the chat's name may stand above its first message


@dataclass
class Message:
    sender: str
    day: str
    time: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Chat:
    messages: list[Message]
    day_first: bool

    @property
    def senders(self) -> list[str]:
        return list(dict.fromkeys(m.sender for m in self.messages))

    def first_sent(self) -> datetime | None:
        """When the first message was sent (UTC; the export gives local times without a zone)."""
        for message in self.messages:
            if (sent := _when(message.day, message.time, self.day_first)) is not None:
                return sent
        return None


def _when(day: str, time: str, day_first: bool) -> datetime | None:
    first, second, year = (int(part) for part in re.split(r"[./]", day))
    day_of_month, month = (first, second) if day_first else (second, first)
    hour, minute = (int(part) for part in time.split(":")[:2])
    afternoon = re.search(r"[Pp]", time) is not None
    if re.search(r"[AaPp]", time):
        hour = hour % 12 + (12 if afternoon else 0)
    try:
        return datetime(year + 2000 if year < 100 else year, month, day_of_month, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def _header(line: str) -> re.Match[str] | None:
    return next((found for pattern in _HEADERS if (found := pattern.match(line.strip()))), None)


def without_message_header(line: str) -> str:
    """The line without a chat message's header ("[04/12/2026, 09:14:22] Anna: "), as prose holds none."""
    found = _header(line)
    return (found.groupdict().get("text") or "") if found else line


def chat_export(lines: list[str]) -> Chat | None:
    """The messages `lines` hold, when one of the first lines is a message's header and there are two
    or more; None for any other text. A day is read day first unless a month-first day shows otherwise
    ("12/24/2026"), as WhatsApp writes it outside the US."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not any(_header(lines[i]) for i in filled[:_OPENING_LINES]):
        return None
    messages: list[Message] = []
    for i in filled:
        text = lines[i].strip()
        if found := _header(text):
            messages.append(Message(found["sender"].strip(), found["day"], found["time"]))
            rest = found.groupdict().get("text")
            if rest and not _OMITTED.match(rest.strip()):
                messages[-1].lines.append(rest.strip())
        elif _NOTICE.match(text) or _OMITTED.match(text):
            continue
        elif messages:
            messages[-1].lines.append(text)
    messages = [m for m in messages if m.lines]
    if len(messages) < _MIN_MESSAGES:
        return None
    firsts = [int(re.split(r"[./]", m.day)[0]) for m in messages]
    seconds = [int(re.split(r"[./]", m.day)[1]) for m in messages]
    return Chat(messages, day_first=not (max(seconds) > 12 and max(firsts) <= 12))
