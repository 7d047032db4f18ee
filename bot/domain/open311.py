"""Open311 GeoReport v2 (read-only): settings, query parsing, and what a public board may show.

Pure. Statuses map to the spec's two: `open` (waiting or in hand) and `closed` (the worker closed
it, it is done, or it was merged into another request). A request shows its number, category,
status, grid, times and a status note; the complaint's text (and the closing note) only for
categories the office marks public; never the resident, the location they sent, or a photo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

SPEC = "http://wiki.open311.org/GeoReport_v2"
OPEN, CLOSED = ("open", "accepted"), ("closed", "done", "merged")
MAX_SPAN = timedelta(days=90)  # the spec: a date range "may not span more than 90 days"
MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE = 1000, 100


@dataclass(frozen=True)
class Settings:
    """`[open311]`: port (None: the running bot serves nothing; 0: any free port), key, public
    categories, discovery facts."""

    port: int | None = None
    listen: str = "127.0.0.1"
    api_key: str = ""
    public_categories: tuple[str, ...] = ()
    base_url: str = ""
    contact: str = ""
    jurisdiction_id: str = ""


def parse_settings(r: Any, categories: set[str]) -> Settings:
    """Read `[open311]` from a config reader (`get(key, kind, default)`, `fail`)."""
    port = r.get("open311.port", int, None)
    if port is not None and not 0 <= port <= 65535:
        raise r.fail("open311.port", "bad_port", value=repr(port))
    public = r.get("open311.public_categories", list, [])
    for key in public:
        if key not in categories:
            raise r.fail(
                "open311.public_categories",
                "unknown_category",
                value=repr(key),
                known=", ".join(sorted(categories)),
            )
    key = r.get("open311.api_key", str, "")
    key = key or os.environ.get(r.get("open311.api_key_env", str, "GRIDBOT_OPEN311_KEY"), "")
    return Settings(
        port,
        r.get("open311.listen", str, "127.0.0.1"),
        key,
        tuple(public),
        r.get("open311.base_url", str, ""),
        r.get("open311.contact", str, ""),
        r.get("open311.jurisdiction_id", str, ""),
    )


class BadQuery(ValueError):
    """A query parameter the spec does not allow: answered 400 with this description."""


@dataclass(frozen=True)
class Filters:
    """A requests.json query: categories, internal statuses, [start, end), the page."""

    start: datetime
    end: datetime
    codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        """Rows to skip for this page."""
        return (self.page - 1) * self.page_size


def _moment(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"{name} must be an ISO 8601 date-time, e.g. 2026-11-30T00:00:00+08:00") from None
    if value.tzinfo is None:
        raise BadQuery(f"{name} must include a time zone (Z or an offset such as +08:00)")
    return value


def _int(name: str, text: str | None, default: int, high: int) -> int:
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= high:
        raise BadQuery(f"{name} must be a whole number from 1 to {high}")
    return int(text)


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _statuses(text: str | None) -> tuple[str, ...]:
    wanted = _list(text)
    if any(s not in ("open", "closed") for s in wanted):
        raise BadQuery("status must be open, closed, or both separated by a comma")
    return tuple(s for w in wanted for s in (OPEN if w == "open" else CLOSED))


def _ids(text: str | None) -> tuple[int, ...]:
    found = _list(text)
    if any(not (p.isascii() and p.isdigit()) or len(p) > 12 for p in found):
        raise BadQuery("service_request_id must be request numbers separated by commas")
    return tuple(int(p) for p in found)


def parse_filters(q: dict[str, str], codes: set[str], now: datetime) -> Filters:
    """The query of requests.json; raises BadQuery. Without dates: the 90 days up to now."""
    end = _moment("end_date", q["end_date"]) if q.get("end_date") else now
    start = _moment("start_date", q["start_date"]) if q.get("start_date") else end - MAX_SPAN
    if "end_date" not in q and "start_date" in q:
        end = min(now, start + MAX_SPAN) if start + MAX_SPAN < now else now
    if end < start:
        raise BadQuery("end_date is before start_date")
    if end - start > MAX_SPAN:
        raise BadQuery("start_date to end_date may not span more than 90 days")
    wanted = _list(q.get("service_code"))
    unknown = [c for c in wanted if c not in codes]
    if unknown:
        raise BadQuery(f"unknown service_code: {', '.join(unknown)}")
    return Filters(
        start,
        end,
        tuple(wanted),
        _statuses(q.get("status")),
        _ids(q.get("service_request_id")),
        _int("page", q.get("page"), 1, 1_000_000),
        _int("page_size", q.get("page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )


@dataclass(frozen=True)
class Public:
    """What the store reads of one request for the public board (no resident columns at all)."""

    id: int
    kind: str
    category: str
    grid: str
    status: str
    created_at: float
    updated_at: float
    resolve_due: float | None
    text: str | None = None
    close_note: str | None = None


@dataclass(frozen=True)
class Names:
    """Display names the board uses: categories, grids with their paths, status notes, the agency."""

    categories: dict[str, str]
    grids: dict[str, str]
    paths: dict[str, str]
    status_notes: dict[str, str]
    public: frozenset[str] = field(default_factory=frozenset)


def iso(epoch: float | None, zone: Any) -> str | None:
    """Epoch seconds as ISO 8601 with the office's offset, to the second."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(round(epoch), timezone.utc).astimezone(zone).isoformat()


def request_json(p: Public, names: Names, zone: Any) -> dict[str, Any]:
    """One request as GeoReport v2 JSON; text and closing note only for public categories."""
    public = p.category in names.public
    unfinished = p.status in OPEN
    return {
        "service_request_id": str(p.id),
        "status": "open" if unfinished else "closed",
        "status_notes": (
            p.close_note if public and p.close_note and not unfinished else names.status_notes[p.status]
        ),
        "service_name": names.categories.get(p.category, p.category),
        "service_code": p.category,
        "description": p.text if public else None,
        "agency_responsible": names.grids.get(p.grid, p.grid),
        "service_notice": None,
        "requested_datetime": iso(p.created_at, zone),
        "updated_datetime": iso(p.updated_at, zone),
        "expected_datetime": iso(p.resolve_due, zone) if unfinished else None,
        "address": names.paths.get(p.grid, p.grid),
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
        "grid": p.grid,
    }


def service_json(code: str, name: str, group: str, public: bool) -> dict[str, Any]:
    """One category as a GeoReport v2 service (read-only here: no metadata, type realtime)."""
    return {
        "service_code": code,
        "service_name": name,
        "description": name,
        "metadata": False,
        "type": "realtime",
        "keywords": "public" if public else "",
        "group": group,
    }


def discovery_json(s: Settings, url: str, changed: datetime) -> dict[str, Any]:
    """The service discovery document pointing at this endpoint."""
    stamp = changed.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return {
        "changeset": stamp,
        "contact": s.contact,
        "key_service": "",
        "endpoints": [
            {
                "specification": SPEC,
                "url": url,
                "changeset": stamp,
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


def error_json(code: int, description: str) -> list[dict[str, Any]]:
    """The spec's error body."""
    return [{"code": code, "description": description}]
