"""Deprecation, sunset and stability of operations, as oasdiff checks them.

An operation announces its end with ``deprecated: true`` and an ``x-sunset``
date (``YYYY-MM-DD`` or an RFC 3339 date-time; a YAML date reads as a date),
and its maturity with ``x-stability-level`` (``draft``, ``alpha``, ``beta``,
``stable``).  The policy says how many days of notice a deprecation must give:
``deprecation_days_beta`` for beta operations, ``deprecation_days_stable`` for
stable ones and for operations that state no level; draft and alpha need none.
oasdiff's library defaults are 0 and 0 (``checker.DefaultBetaDeprecationDays``),
so by default a deprecation without a sunset is only reported, and a sunset in
the past is too early; ``--deprecation-days-beta``/``--deprecation-days-stable``
set a policy.  ``today`` is injectable so the rules are testable.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codegen.diff.spec import pointer

if TYPE_CHECKING:
    from codegen.diff.compare import Comparer

STABILITY = ("draft", "alpha", "beta", "stable")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ].*)?")


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


@dataclass(frozen=True)
class Policy:
    """How much notice a deprecation must give, and what day it is."""

    deprecation_days_beta: int = 0
    deprecation_days_stable: int = 0
    today: dt.date = field(default_factory=_today)

    def days(self, stability: str) -> int:
        if stability in ("draft", "alpha"):
            return 0
        return self.deprecation_days_beta if stability == "beta" else self.deprecation_days_stable


def sunset_date(value: Any) -> dt.date:
    """The date an ``x-sunset`` value names.

    Raises:
        ValueError: the value is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"x-sunset {value!r} is not a YYYY-MM-DD date or an RFC 3339 date-time")
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def stability_of(op: dict[str, Any]) -> str:
    """The operation's ``x-stability-level`` ('' when absent).

    Raises:
        ValueError: the level is not one of draft, alpha, beta, stable.
    """
    level = op.get("x-stability-level")
    if level is None:
        return ""
    if level not in STABILITY:
        raise ValueError(f"x-stability-level {level!r} is not one of {', '.join(STABILITY)}")
    return str(level)


def removal_rule(c: Comparer, op: dict[str, Any], *, whole_path: bool) -> tuple[str, dict[str, str]] | None:
    """The rule for removing ``op``.

    oasdiff reports nothing when an operation goes on or after its announced
    sunset.  The client profile still reports it (``*-removed-with-deprecation``,
    ERR): the generated function goes with it, whatever the notice was.
    """
    prefix = "api-path" if whole_path else "api"
    if op.get("deprecated") is not True:
        return f"{prefix}-removed-without-deprecation", {}
    if "x-sunset" not in op:
        return f"{prefix}-removed-with-deprecation", {}
    try:
        date = sunset_date(op["x-sunset"])
    except ValueError as exc:
        return "api-path-sunset-parse", {"error": str(exc)}
    if c.policy.today < date:
        return f"{prefix}-removed-before-sunset", {"sunset": date.isoformat()}
    return (f"{prefix}-removed-with-deprecation", {}) if c.profile == "client" else None


def operation_lifecycle(c: Comparer, operation: str, bop: dict[str, Any], rop: dict[str, Any], rptr: str) -> None:
    """Deprecation, sunset and stability changes of an operation present on both sides."""
    none: dict[str, Any] = {"direction": "none", "operation": operation}
    try:
        stability = stability_of(rop)
    except ValueError as exc:
        text = f"{operation}: {exc}."
        c.emit("api-invalid-stability-level", path=pointer(rptr, "x-stability-level"), text=text, **none)
        return
    _stability_change(c, operation, bop, stability, rptr)
    was, now = bop.get("deprecated") is True, rop.get("deprecated") is True
    if was and not now:
        c.emit("endpoint-reactivated", path=pointer(rptr, "deprecated"), text=f"{operation} was reactivated.", **none)
    elif now and not was:
        _deprecated(c, operation, rop, rptr, stability)
    elif now:
        _sunset_changed(c, operation, bop, rop, rptr=rptr, stability=stability)


def _deprecated(c: Comparer, operation: str, rop: dict[str, Any], rptr: str, stability: str) -> None:
    none: dict[str, Any] = {"direction": "none", "operation": operation}
    days = c.policy.days(stability)
    where = pointer(rptr, "deprecated")
    if "x-sunset" not in rop:
        if days > 0:
            text = f"{operation} was deprecated without an x-sunset date ({days} days of notice are required)."
            c.emit("api-deprecated-sunset-missing", path=where, text=text, **none)
        else:
            c.emit("endpoint-deprecated", path=where, text=f"{operation} was deprecated.", **none)
        return
    try:
        date = sunset_date(rop["x-sunset"])
    except ValueError as exc:
        c.emit("api-deprecated-sunset-parse", path=pointer(rptr, "x-sunset"), text=f"{operation}: {exc}.", **none)
        return
    details = {"sunset": date.isoformat()}
    if (date - c.policy.today).days < days:
        text = f"{operation} was deprecated with sunset {date}, less than the {days} days of notice required."
        c.emit("api-sunset-date-too-small", path=pointer(rptr, "x-sunset"), text=text, details=details, **none)
        return
    text = f"{operation} was deprecated; it goes on {date}."
    c.emit("endpoint-deprecated-with-sunset", path=where, text=text, details=details, **none)


def _sunset_changed(
    c: Comparer, operation: str, bop: dict[str, Any], rop: dict[str, Any], *, rptr: str, stability: str
) -> None:
    none: dict[str, Any] = {"direction": "none", "operation": operation}
    if "x-sunset" in bop and "x-sunset" not in rop:
        c.emit("sunset-deleted", path=rptr, text=f"The x-sunset date of {operation} was removed.", **none)
        return
    if "x-sunset" not in bop or "x-sunset" not in rop or bop["x-sunset"] == rop["x-sunset"]:
        return
    try:
        old, new = sunset_date(bop["x-sunset"]), sunset_date(rop["x-sunset"])
    except ValueError as exc:
        c.emit("api-path-sunset-parse", path=pointer(rptr, "x-sunset"), text=f"{operation}: {exc}.", **none)
        return
    days = c.policy.days(stability)
    if old > new and (new - c.policy.today).days < days:
        text = f"The sunset of {operation} moved from {old} to {new}, less than {days} days from today."
        details = {"from": old.isoformat(), "to": new.isoformat()}
        c.emit("api-sunset-date-changed-too-small", path=pointer(rptr, "x-sunset"), text=text, details=details, **none)


def _stability_change(c: Comparer, operation: str, bop: dict[str, Any], new: str, rptr: str) -> None:
    try:
        old = stability_of(bop)
    except ValueError:
        return  # the base's own mistake is not a change
    if not old or not new or old == new:
        return
    rule = "api-stability-decreased" if STABILITY.index(new) < STABILITY.index(old) else "api-stability-increased"
    text = f"The stability of {operation} changed from {old} to {new}."
    where = pointer(rptr, "x-stability-level")
    c.emit(rule, direction="none", operation=operation, path=where, text=text, details={"from": old, "to": new})


def property_deprecation(c: Comparer, direction: str, value: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The rule (and details) for a property that became deprecated, judged by the stable policy."""
    days = c.policy.deprecation_days_stable
    if "x-sunset" not in value:
        return (
            f"{direction}-property-deprecated-sunset-missing" if days > 0 else f"{direction}-property-deprecated"
        ), {}
    try:
        date = sunset_date(value["x-sunset"])
    except ValueError as exc:
        return f"{direction}-property-deprecated-sunset-invalid", {"error": str(exc)}
    if (date - c.policy.today).days < days:
        return f"{direction}-property-sunset-date-too-small", {"sunset": date.isoformat()}
    return f"{direction}-property-deprecated-with-sunset", {"sunset": date.isoformat()}


def parameter_removal(c: Comparer, param: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """The rule for removing a parameter (None when it went after its sunset; the client still loses it)."""
    if param.get("deprecated") is not True:
        return "request-parameter-removed", {}
    if "x-sunset" not in param:
        return "request-parameter-removed-with-deprecation", {}
    try:
        date = sunset_date(param["x-sunset"])
    except ValueError as exc:
        return "request-parameter-sunset-parse", {"error": str(exc)}
    if c.policy.today < date:
        return "request-parameter-removed-before-sunset", {"sunset": date.isoformat()}
    return ("request-parameter-removed-with-deprecation", {}) if c.profile == "client" else None


def parameter_lifecycle(
    c: Comparer, stability: str, bparam: dict[str, Any], rparam: dict[str, Any]
) -> tuple[str, dict[str, str]] | None:
    """The deprecation or sunset rule for a parameter present on both sides, if any applies."""
    was, now = bparam.get("deprecated") is True, rparam.get("deprecated") is True
    if was and not now:
        return "request-parameter-reactivated", {}
    if not now:
        return None
    days = c.policy.days(stability)
    if not was:
        if "x-sunset" not in rparam:
            return ("request-parameter-deprecated-sunset-missing" if days > 0 else "request-parameter-deprecated"), {}
        try:
            date = sunset_date(rparam["x-sunset"])
        except ValueError as exc:
            return "request-parameter-sunset-parse", {"error": str(exc)}
        if (date - c.policy.today).days < days:
            return "request-parameter-sunset-date-too-small", {"sunset": date.isoformat()}
        return "request-parameter-deprecated", {"sunset": date.isoformat()}
    if "x-sunset" in bparam and "x-sunset" not in rparam:
        return "request-parameter-sunset-deleted", {}
    if "x-sunset" not in bparam or "x-sunset" not in rparam or bparam["x-sunset"] == rparam["x-sunset"]:
        return None
    try:
        old, new = sunset_date(bparam["x-sunset"]), sunset_date(rparam["x-sunset"])
    except ValueError as exc:
        return "request-parameter-sunset-parse", {"error": str(exc)}
    if old > new and (new - c.policy.today).days < days:
        return "request-parameter-sunset-date-changed-too-small", {"from": old.isoformat(), "to": new.isoformat()}
    return None
