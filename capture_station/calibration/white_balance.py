"""What the camera's white-balance setting tells about the colour of the lights.

A camera JPEG shows the backdrop's colour *after* white balance. With a fixed setting (a preset
such as Daylight, or a Kelvin value) the backdrop's remaining tint is the difference between the
lights and that setting, so the lights' temperature can be estimated: white balance acts roughly
as a shift in mired, hence light = setting + (measured - neutral) in mired. Automatic or custom
(measured-on-a-card) white balance makes the backdrop neutral whatever the light: the lights'
temperature is then undetermined and only the remaining cast is judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from capture_station.calibration.colour import NEUTRAL_CCT, kelvin, mired
from capture_station.calibration.reference import Reference

AUTO = "auto"
CUSTOM = "custom"
PRESET = "preset"
KELVIN = "kelvin"
UNKNOWN = "unknown"

_KELVIN_RE = re.compile(r"(\d{4,5})\s*k?\b", re.IGNORECASE)


@dataclass(frozen=True)
class WhiteBalance:
    """The camera's white balance as far as it is known."""

    label: str  # as the camera (or the operator) named it; "" = not reported
    mode: str  # auto | custom | preset | kelvin | unknown
    kelvin: float | None = None  # the temperature the setting assumes (preset or Kelvin mode)
    source: str = ""  # "camera", "exif", "operator", ""

    @property
    def fixed(self) -> bool:
        """A fixed, known temperature: the lights' colour can be estimated."""
        return self.kelvin is not None and self.mode in (PRESET, KELVIN)

    def describe(self) -> tuple[str, str]:
        """Human description (zh, en)."""
        if self.mode == AUTO:
            return f"自动白平衡（{self.label}）", f"automatic ({self.label})"
        if self.mode == CUSTOM:
            return f"自定义白平衡（{self.label}）", f"custom ({self.label})"
        if self.fixed:
            return f"{self.label}（约{self.kelvin:.0f}K）", f"{self.label} (about {self.kelvin:.0f} K)"
        if self.label:
            return f"{self.label}（色温未知）", f"{self.label} (temperature unknown)"
        return "未知（相机未报告）", "unknown (not reported by the camera)"

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "mode": self.mode, "kelvin": self.kelvin, "source": self.source}


def parse_white_balance(text: str | None, reference: Reference, source: str = "") -> WhiteBalance:
    """Interpret a white-balance setting such as ``"Auto"``, ``"Daylight"``, ``"5500K"``."""
    if text is None or not str(text).strip():
        return WhiteBalance("", UNKNOWN, None, source)
    label = " ".join(str(text).split())
    low = label.lower()
    m = _KELVIN_RE.search(low)
    if m and 2000 <= int(m.group(1)) <= 12000:
        return WhiteBalance(label, KELVIN, float(m.group(1)), source)
    if low in reference.wb_auto or low.startswith("auto") or low == "awb":
        return WhiteBalance(label, AUTO, None, source)
    if low in reference.wb_custom or any(low.startswith(c) for c in reference.wb_custom):
        return WhiteBalance(label, CUSTOM, None, source)
    if low in reference.wb_presets:
        return WhiteBalance(label, PRESET, reference.wb_presets[low], source)
    for name, k in reference.wb_presets.items():
        if name in low:
            return WhiteBalance(label, PRESET, k, source)
    return WhiteBalance(label, UNKNOWN, None, source)


def light_cct(image_cct: float, wb: WhiteBalance) -> float | None:
    """The lights' colour temperature from the backdrop's CCT in the picture and a fixed white
    balance (None when the setting does not allow it)."""
    if not wb.fixed or wb.kelvin is None or image_cct <= 0:
        return None
    shift = mired(image_cct) - mired(NEUTRAL_CCT)
    m = mired(wb.kelvin) + shift
    if m <= 0:
        return None
    return kelvin(m)


EXIF_WHITE_BALANCE = 0xA403  # 0 = auto, 1 = manual


def white_balance_from_exif(data: bytes) -> str | None:
    """``"Auto"`` or ``"Manual"`` from a JPEG's EXIF WhiteBalance tag (None when absent)."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            exif = im.getexif()
            sub = exif.get_ifd(0x8769)
            v = sub.get(EXIF_WHITE_BALANCE)
    except Exception:  # noqa: BLE001 - EXIF is optional
        return None
    if v is None:
        return None
    return {0: "Auto", 1: "Manual"}.get(int(v))
