"""Places that need a person: ``path:line:col CODE message``, in text and JSON."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass


class Severity(enum.StrEnum):
    #: The rewrite could not do it; behaviour will differ until a person acts.
    ERROR = "error"
    #: Rewritten or left alone, but worth a look (a blocking call on the event loop...).
    WARNING = "warning"
    #: Done automatically; said so a reviewer knows (a renamed env variable...).
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.WARNING

    def render(self) -> str:
        return f"{self.path}:{self.line}:{self.col} {self.code} {self.message}"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data
