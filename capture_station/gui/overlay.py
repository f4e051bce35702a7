"""The guide overlay: where the standard's bands fall in the crop the solver would take now.

The live view and the review screen draw the same picture: the 480x640 frame rectangle, the
top-of-head band, the eye band, the face-width limits around the face centre, the vertical
centre line, and markers at the measured crown, eye centres and cheeks, each band coloured by
the status of its check. :func:`overlay_model` works out the shapes in image coordinates (pure
arithmetic, tested without a screen); :func:`paint_overlay` draws them. Every band position is
read from ``standard.geometry``; none is written here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QTransform

from capture_station.checks import CheckResult, Status
from capture_station.imaging.face_analysis import Face
from capture_station.standard import Standard

GREEN = QColor(46, 160, 67)
AMBER = QColor(240, 170, 0)
RED = QColor(220, 40, 40)
GREY = QColor(150, 150, 150)
WHITE = QColor(255, 255, 255)

BAND_CHECKS = {
    "crown": "geometry.crown",
    "eyes": "geometry.eyes",
    "face_width": "geometry.face_width",
    "centre": "geometry.centre",
}


def status_colour(status: Status | None) -> QColor:
    if status == Status.PASS:
        return GREEN
    if status == Status.WARN:
        return AMBER
    if status == Status.FAIL:
        return RED
    return GREY


@dataclass
class OverlayModel:
    """Shapes in image coordinates (the frame for the live view, the photo for review)."""

    crop: tuple[float, float, float, float]  # x0, y0, x1, y1 of the 480x640 rectangle
    scale: float  # output px per image px
    feasible: bool
    crown_band: tuple[float, float]  # y range
    eye_band: tuple[float, float]
    centre_x: float  # vertical centre line of the crop
    face_centre_x: float | None  # measured face centre
    width_inner: tuple[float, float] | None  # x of the minimum face width around the centre
    width_outer: tuple[float, float] | None  # x of the maximum face width
    width_y: tuple[float, float] | None  # y range of the width marks (around the cheeks)
    crown: tuple[float, float] | None = None  # measured top of head (x, y)
    eyes: list[tuple[float, float]] = field(default_factory=list)
    cheeks: list[tuple[float, float]] = field(default_factory=list)
    status: dict[str, Status | None] = field(default_factory=dict)  # crown/eyes/face_width/centre
    hint: str = ""


def statuses(checks: Iterable[CheckResult]) -> dict[str, Status | None]:
    by_id = {c.id: c.status for c in checks}
    return {k: by_id.get(cid) for k, cid in BAND_CHECKS.items()}


def overlay_model(
    standard: Standard,
    crop: tuple[float, float, float, float],
    scale: float,
    face: Face | None,
    checks: Iterable[CheckResult] = (),
    feasible: bool = True,
    hint: str = "",
) -> OverlayModel:
    """Shapes for a crop ``(x0, y0, x1, y1)`` in image pixels taken at ``scale`` (output px
    per image px). For a finished photo: ``crop=(0, 0, width, height)``, ``scale=1``."""
    g = standard.geometry
    x0, y0, _x1, _y1 = crop
    s = max(scale, 1e-9)

    def y_of(v: float) -> float:
        return y0 + v / s

    centre_x = x0 + (standard.file.width / 2) / s
    model = OverlayModel(
        crop=crop,
        scale=s,
        feasible=feasible,
        crown_band=(y_of(g.crown_min), y_of(g.crown_max)),
        eye_band=(y_of(g.eyes_min), y_of(g.eyes_max)),
        centre_x=centre_x,
        face_centre_x=None,
        width_inner=None,
        width_outer=None,
        width_y=None,
        status=statuses(checks),
        hint=hint,
    )
    if face is not None:
        cx = face.centre_x
        model.face_centre_x = cx
        model.width_inner = (cx - g.face_width_min / 2 / s, cx + g.face_width_min / 2 / s)
        model.width_outer = (cx - g.face_width_max / 2 / s, cx + g.face_width_max / 2 / s)
        cheek_y = float((face.cheek_left[1] + face.cheek_right[1]) / 2)
        half = 0.12 * (g.face_width_max / s)
        model.width_y = (cheek_y - half, cheek_y + half)
        model.eyes = [(float(face.eye_left[0]), float(face.eye_left[1])),
                      (float(face.eye_right[0]), float(face.eye_right[1]))]
        model.cheeks = [(float(face.cheek_left[0]), float(face.cheek_left[1])),
                        (float(face.cheek_right[0]), float(face.cheek_right[1]))]
        if face.crown_y is not None:
            model.crown = (cx, float(face.crown_y))
    return model


def _pen(colour: QColor, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style)
    pen.setCosmetic(True)  # width in screen pixels whatever the scale
    return pen


def paint_overlay(p: QPainter, m: OverlayModel, to_screen: QTransform, *,
                  show_labels: bool = True) -> None:
    """Draw ``m`` with ``to_screen`` mapping image pixels to widget pixels."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setTransform(to_screen)
    x0, y0, x1, y1 = m.crop
    crop = QRectF(QPointF(x0, y0), QPointF(x1, y1))

    # Bands: translucent fill across the crop, solid edges.
    for key, (ya, yb) in (("crown", m.crown_band), ("eyes", m.eye_band)):
        c = status_colour(m.status.get(key))
        fill = QColor(c)
        fill.setAlpha(48)
        p.fillRect(QRectF(x0, ya, x1 - x0, yb - ya), fill)
        p.setPen(_pen(c, 1.5))
        p.drawLine(QPointF(x0, ya), QPointF(x1, ya))
        p.drawLine(QPointF(x0, yb), QPointF(x1, yb))

    # Centre line.
    c = status_colour(m.status.get("centre"))
    p.setPen(_pen(c, 1.5, Qt.PenStyle.DashLine))
    p.drawLine(QPointF(m.centre_x, y0), QPointF(m.centre_x, y1))

    # Face-width limits: inner (minimum) and outer (maximum) brackets around the face centre.
    if m.width_inner and m.width_outer and m.width_y:
        c = status_colour(m.status.get("face_width"))
        ya, yb = m.width_y
        p.setPen(_pen(c, 2.5))
        for xa, xb in (m.width_inner, m.width_outer):
            for x in (xa, xb):
                p.drawLine(QPointF(x, ya), QPointF(x, yb))
        p.setPen(_pen(c, 1.0, Qt.PenStyle.DotLine))
        ym = (ya + yb) / 2
        p.drawLine(QPointF(m.width_outer[0], ym), QPointF(m.width_inner[0], ym))
        p.drawLine(QPointF(m.width_inner[1], ym), QPointF(m.width_outer[1], ym))

    # The 480x640 rectangle: solid when the crop is feasible, dashed red when it is not.
    if m.feasible:
        p.setPen(_pen(WHITE, 3.0))
        p.drawRect(crop)
        p.setPen(_pen(GREEN, 1.5))
        p.drawRect(crop)
    else:
        p.setPen(_pen(RED, 2.5, Qt.PenStyle.DashLine))
        p.drawRect(crop)

    # Measured points.
    k = to_screen.m11() or 1.0
    r = 5.0 / k  # marker radius: 5 screen px
    if m.crown is not None:
        c = status_colour(m.status.get("crown"))
        p.setPen(_pen(c, 3.0))
        cx, cy = m.crown
        p.drawLine(QPointF(cx - 4 * r, cy), QPointF(cx + 4 * r, cy))
        p.drawLine(QPointF(cx, cy), QPointF(cx, cy + 2 * r))
    c = status_colour(m.status.get("eyes"))
    for ex, ey in m.eyes:
        p.setPen(_pen(WHITE, 3.0))
        p.drawEllipse(QPointF(ex, ey), r, r)
        p.setPen(_pen(c, 1.8))
        p.drawEllipse(QPointF(ex, ey), r, r)
    c = status_colour(m.status.get("face_width"))
    for chx, chy in m.cheeks:
        path = QPainterPath()
        path.moveTo(chx, chy - r)
        path.lineTo(chx + r, chy)
        path.lineTo(chx, chy + r)
        path.lineTo(chx - r, chy)
        path.closeSubpath()
        p.setPen(_pen(WHITE, 1.0))
        p.setBrush(c)
        p.drawPath(path)
    p.restore()

    if show_labels and not m.feasible and m.hint:
        draw_banner_text(p, to_screen.map(QPointF(x0, y1)), m.hint, RED)


def draw_banner_text(p: QPainter, anchor: QPointF, text: str, colour: QColor,
                     point_size: int = 13) -> None:
    """A line of text on a dark plate just above ``anchor`` (screen coordinates)."""
    p.save()
    f = QFont(p.font())
    f.setPointSize(point_size)
    f.setBold(True)
    p.setFont(f)
    fm = p.fontMetrics()
    w = fm.horizontalAdvance(text) + 16
    h = fm.height() + 8
    x = max(4.0, min(anchor.x(), p.device().width() - w - 4.0))
    y = max(4.0, min(anchor.y() - h - 6, p.device().height() - h - 4.0))
    rect = QRectF(x, y, w, h)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(0, 0, 0, 170))
    p.drawRoundedRect(rect, 6, 6)
    p.setPen(colour.lighter(130))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    p.restore()
