"""The day's records at a glance: the roster with who is photographed, and the day's counts.

The window shows the operator who is on the roster, who still needs a photo and how far the
day has come. Both answers are read here in one query each (a roster of 50,000 rows included),
on the store's thread, and handed over as plain rows. Why the rules are what they are:

* **Resident IDs never leave whole.** A row carries the resident ID masked
  (6501**********123X); the key of a candidate without an admission number is a resident ID
  too, and is shown masked as well. The full key travels only to put it into the ID field.
* **A demo photo is no photo.** A practice shot of the demo camera never leaves in an export,
  so a candidate whose current photo is one still counts as missing.
* **"Photographed today" counts candidates, not shots**: a retake is one candidate, and a photo
  merged from another station's export was not taken here today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from capture_station.records.candidate_id import mask_resident_id
from capture_station.records.roster import show_id
from capture_station.records.store import Store

PHOTO_NONE = ""
PHOTO_YES = "yes"
PHOTO_DEMO = "demo"  # only a practice shot of the demo camera


@dataclass(frozen=True)
class RosterEntry:
    """One roster row as the window shows it."""

    key: str  # the candidate's ID (admission number, else resident ID): what the ID field takes
    name: str
    admission: str  # "" when the candidate has no admission number
    resident_masked: str  # "" when the roster has no resident ID for the candidate
    photo: str  # PHOTO_NONE, PHOTO_YES or PHOTO_DEMO
    compliant: bool | None  # of the current photo; None without one
    last_photo_at: str | None  # capture time of the current photo (ISO), None without one

    @property
    def shown_key(self) -> str:
        """The key as it may be displayed (a resident ID masked)."""
        return show_id(self.key)

    @property
    def missing(self) -> bool:
        return self.photo != PHOTO_YES


@dataclass(frozen=True)
class DayCounts:
    photographed_today: int  # candidates with a real photo taken here today
    on_roster: int
    missing: int  # roster candidates without a real current photo


_CURRENT = (
    "SELECT p.candidate_id, p.compliant, p.demo, COALESCE(p.captured_at, p.created_at) AS at"
    " FROM photos p JOIN (SELECT candidate_id, MAX(id) AS id FROM photos"
    " WHERE superseded_by IS NULL GROUP BY candidate_id) c ON p.id = c.id"
)


def roster_overview(store: Store) -> list[RosterEntry]:
    """Every roster candidate with the state of their photo, ordered by key."""
    current = {r["candidate_id"]: r for r in store._db.execute(_CURRENT)}
    out: list[RosterEntry] = []
    for r in store._db.execute(
            "SELECT candidate_id, name, resident_id FROM candidates ORDER BY candidate_id"):
        key = str(r["candidate_id"])
        resident = r["resident_id"] or (key if len(key) == 18 else "")
        p = current.get(key)
        if p is None:
            photo, compliant, at = PHOTO_NONE, None, None
        else:
            photo = PHOTO_DEMO if p["demo"] else PHOTO_YES
            compliant, at = bool(p["compliant"]), str(p["at"])
        out.append(RosterEntry(
            key=key, name=str(r["name"] or ""),
            admission="" if len(key) == 18 else key,
            resident_masked=mask_resident_id(str(resident)) if resident else "",
            photo=photo, compliant=compliant, last_photo_at=at,
        ))
    return out


def day_counts(store: Store, now: dt.datetime | None = None) -> DayCounts:
    """Photographed today (at this station, demo shots not counted) / on the roster / missing."""
    now = now or dt.datetime.now().astimezone()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0).isoformat()
    today = store._db.execute(
        "SELECT COUNT(DISTINCT candidate_id) FROM photos WHERE created_at >= ? AND demo = 0"
        " AND origin_station IS NULL", (start,)).fetchone()[0]
    on_roster = store._db.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]
    photographed = store._db.execute(
        "SELECT COUNT(*) FROM candidates c JOIN (" + _CURRENT + ") p"
        " ON p.candidate_id = c.candidate_id WHERE p.demo = 0").fetchone()[0]
    return DayCounts(int(today), int(on_roster), int(on_roster) - int(photographed))
