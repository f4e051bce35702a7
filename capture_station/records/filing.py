"""Filing a photo under a candidate: the pipeline's photo, saved into the store or a folder.

The photo layer (:mod:`capture_station.photo.pipeline`) makes and verifies a photo and knows
nothing of candidates; this is where a shot meets a candidate ID. The ID is validated first, a
photo that fails a check is saved only with ``force`` and a reason, and a photo is reported as
saved only after the file on disk was read back and matched the encoded bytes (the store does
that itself; a plain ``out_dir`` file is read back here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capture_station.atomic_io import atomic_write, ensure_private_dir
from capture_station.checks import CheckResult, top_hints
from capture_station.checks.engine import Status, is_compliant
from capture_station.imaging.encoder import EncodeResult
from capture_station.messages import Msg
from capture_station.photo.pipeline import FinalVerdict, Pipeline, ShotAnalysis, Source
from capture_station.records.candidate_id import require_valid_id
from capture_station.records.store import PhotoToSave, Store, sha256_hex


@dataclass
class ProcessResult:
    candidate_id: str
    source: str
    compliant: bool
    saved: bool = False
    path: str | None = None
    data: bytes | None = None
    encode: EncodeResult | None = None
    shot: ShotAnalysis | None = None
    final: FinalVerdict | None = None
    checks: list[CheckResult] = field(default_factory=list)
    reason: Msg | None = None  # why no photo was made or saved, in either language

    @property
    def quality(self) -> int | None:
        return self.encode.quality if self.encode else None

    @property
    def bytes(self) -> int | None:
        return len(self.data) if self.data is not None else None

    def hints(self, lang: str = "zh_CN") -> list[str]:
        hs = top_hints(self.checks, lang, n=5)
        if self.reason and not hs:
            hs = [self.reason.render(lang)]
        return hs

    def as_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "id": self.candidate_id,
            "source": self.source,
            "path": self.path,
            "compliant": self.compliant,
            "saved": self.saved,
            "bytes": self.bytes,
            "quality": self.quality,
            "encodes": self.encode.encodes if self.encode else None,
            "crop": self.shot.crop.as_dict() if self.shot and self.shot.crop else None,
            "reason": self.reason.render("en") if self.reason else None,
            "checks": [c.as_json(lang) for c in self.checks],
            "hints": self.hints(lang),
        }


def file_photo(
    pipe: Pipeline,
    src: Source,
    candidate_id: str,
    *,
    store: Store | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    override_reason: str | None = None,
    original: tuple[str, bytes] | None = None,
    demo: bool = False,
) -> ProcessResult:
    """Make the photo of ``src`` and file it under ``candidate_id`` in ``store`` or as
    ``out_dir/<ID>.jpg`` (neither: the photo is made and judged, not saved).

    With a store, a resident ID that belongs to a roster row is filed under that row's key (its
    admission number), as the window does: one person, one photo. ``demo``: the shot came from
    the demo camera; the store records it as a practice photo, which no export sends for
    upload."""
    cid = require_valid_id(candidate_id, pipe.standard)
    if store is not None and out_dir is None:
        row = store.find_candidate(cid)
        if row is not None:
            cid = row.key
    shot, enc, final, reason = pipe.make_photo(src)
    if final is None:
        checks = shot.checks
        return ProcessResult(cid, src.name, False, shot=shot, checks=checks, reason=reason,
                             encode=enc)
    checks = pipe.photo_checks(shot, final)
    compliant = is_compliant(checks)
    res = ProcessResult(cid, src.name, compliant, data=enc.data if enc else None, encode=enc,
                        shot=shot, final=final, checks=checks)
    if enc is None or (not compliant and not force):
        if not compliant:
            failed = [c for c in checks if c.status == Status.FAIL]
            res.reason = Msg("filing.not_compliant", checks=Msg.pair(
                "；".join(c.message("zh_CN") for c in failed),
                "; ".join(c.message_en for c in failed)))
        return res
    if out_dir is not None:
        ensure_private_dir(out_dir)
        path = out_dir / f"{cid}{pipe.standard.file.write_extension}"
        atomic_write(path, enc.data)
    elif store is not None:
        rec = store.save(PhotoToSave(
            cid, enc.data, quality=enc.quality, compliant=compliant,
            checks=[c.as_json("en") for c in checks],
            override_reason=override_reason if not compliant else None,
            source=src.name, original=original, demo=demo,
        ))
        path = store.root / rec.path  # the store read it back and compared it
    else:
        return res
    if store is None and sha256_hex(path.read_bytes()) != sha256_hex(enc.data):
        res.compliant = False
        res.reason = Msg("filing.read_back", path=path)
        return res
    res.saved = True
    res.path = str(path)
    return res
