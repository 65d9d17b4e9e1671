"""What a diff produces: changes with a level and a stable fingerprint, and the stated outcome."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen.diff.rules import RANK, Direction, Level, Profile


@dataclass(frozen=True)
class Change:
    """One API change, rated for one profile.

    ``path`` is a JSON pointer into the revision (into the base for removals).
    ``details`` are the facts that identify the change (a property name, an
    enum value, old and new values); the fingerprint hashes them with the id,
    operation and path, never the text, so rewording keeps fingerprints.
    ``owner`` and ``attribute`` name the generated class and Python attribute
    the change lands on, when it lands on one.
    """

    id: str
    level: Level
    direction: Direction
    operation: str
    path: str
    text: str
    details: tuple[tuple[str, str], ...] = ()
    owner: str = ""
    attribute: str = ""

    @property
    def fingerprint(self) -> str:
        payload = json.dumps([self.id, self.operation, self.path, sorted(self.details)], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def detail(self, key: str) -> str:
        return dict(self.details).get(key, "")

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (RANK[self.level], self.operation, self.path, self.id, self.fingerprint)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "direction": self.direction,
            "operation": self.operation,
            "path": self.path,
            "text": self.text,
            "fingerprint": self.fingerprint,
            "details": dict(sorted(self.details)),
            "sdk": {"class": self.owner, "attribute": self.attribute},
        }


@dataclass(frozen=True)
class Side:
    """One input of the diff: where it came from and its ``info.version``."""

    label: str
    version: str


_SEMVER = re.compile(r"v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?")


def _major(version: str) -> int | None:
    match = _SEMVER.fullmatch(version.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Outcome:
    """The verdict stated at the top of every report (oasdiff's versioning-policy ids where they exist)."""

    id: str
    text: str


def outcome(base: Side, revision: Side, changes: Iterable[Change]) -> Outcome:
    """State what the change means for versioning, never leaving it implicit."""
    changes = list(changes)
    if not base.version and not revision.version:
        return Outcome("changed", "API changed") if changes else Outcome("no-changes", "no API changes")
    bumped = base.version != revision.version
    breaking = any(change.level == "ERR" for change in changes)
    if not changes:
        if bumped:
            return Outcome("version-bumped-no-api-changes", "version bumped, no API changes")
        return Outcome("no-changes", "no API changes")
    if not bumped:
        return Outcome("api-version-not-bumped", "API changed but info.version did not")
    if breaking:
        old, new = _major(base.version), _major(revision.version)
        if old is None or new is None:
            return Outcome(
                "api-major-version-not-judged",
                "breaking change; info.version is not semver, so a major bump cannot be judged",
            )
        if new <= old:
            return Outcome("api-major-version-not-bumped", "breaking change without a major version bump")
        return Outcome("api-major-version-bumped", "breaking change with a major version bump")
    return Outcome("api-changed-version-bumped", "API changed, and info.version was bumped")


@dataclass(frozen=True)
class Report:
    """A complete diff: both sides, the profile, the changes in a deterministic order, and the outcome."""

    kind: str  # "spec" or "surface"
    base: Side
    revision: Side
    profile: Profile
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def outcome(self) -> Outcome:
        return outcome(self.base, self.revision, self.changes)

    @property
    def highest(self) -> Level | None:
        """The most severe level present, or None when nothing changed."""
        return min((change.level for change in self.changes), key=RANK.__getitem__, default=None)

    def counts(self) -> Mapping[str, int]:
        return {level: sum(1 for c in self.changes if c.level == level) for level in RANK}


def ordered(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Deduplicate by fingerprint (first wins) and sort: level, operation, path, id."""
    unique: dict[str, Change] = {}
    for change in changes:
        unique.setdefault(change.fingerprint, change)
    return tuple(sorted(unique.values(), key=Change.sort_key))
