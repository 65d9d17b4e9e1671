"""Where a schema sits in the API (``Ctx``), and how values are quoted in change texts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from codegen.diff.rules import READ_ONLY_KINDS, Direction


@dataclass(frozen=True)
class Ctx:
    """Where in the API a schema sits, and the class names its inline form would get."""

    operation: str
    direction: Direction
    scope: str  # "body", "property", "parameter" or "parameter-property"
    label: str
    bname: str
    rname: str
    owner: str = ""
    attribute: str = ""
    read_only: bool = False
    write_only: bool = False

    def rid(self, kind: str) -> str:
        """oasdiff's id for ``kind`` here, with its readOnly/writeOnly variants where oasdiff has them."""
        if self.read_only and self.direction == "request" and self.scope == "property" and kind in READ_ONLY_KINDS:
            return f"request-read-only-property-{kind}"
        if self.write_only and self.direction == "response" and kind == "enum-value-added":
            return "response-write-only-property-enum-value-added"
        return f"{self.direction}-{self.scope}-{kind}"

    @property
    def where(self) -> str:
        if self.scope == "body":
            return f"the {self.label}"
        sdk = f" ({self.owner}.{self.attribute})" if self.owner and self.attribute else ""
        return f"{self.direction} {self.scope.replace('-', ' ')} `{self.label}`{sdk}"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _show(value: Any) -> str:
    return f"`{value}`" if isinstance(value, str) else f"`{_json(value)}`"
