"""The texts the station prints outside the window, in Simplified Chinese and English.

Why a module of its own: the office administrators who run ``roster import``, ``export``,
``check`` and ``calibrate`` read Chinese; scripts read the JSON, whose keys and check ids never
change. The window translates its own widgets with Qt (``assets/i18n``), but what the command
line and the window both say (a verdict, a saved photo, an export's summary) is written here
once, as (zh_CN, en) pairs, with no Qt, so that every layer may use it. Check messages and hints
already come in both languages from the check engine.

The language is resolved once per command: ``--lang zh_CN|en``, else ``CAPTURE_STATION_LANG``,
else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in POSIX order): Chinese when it names
``zh``, English otherwise (``C``, ``POSIX``, unset).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping

LANGUAGES = ("zh_CN", "en")
ENV_LANG = "CAPTURE_STATION_LANG"

_current = "en"

# key: (Chinese, English); str.format placeholders are the same in both.
TEXTS: dict[str, tuple[str, str]] = {
    # verdicts and check statuses (the words of the window's photo record)
    "status.pass": ("合格", "pass"),
    "status.warn": ("临界", "warn"),
    "status.fail": ("不合格", "fail"),
    "status.undetermined": ("待人工核对", "undetermined"),
    "verdict.ok": ("合格", "OK"),
    "verdict.fail": ("不合格", "FAIL"),
    "verdict.error": ("错误", "ERROR"),
    "hint": ("建议", "hint"),
    "note": ("说明", "note"),
    # process / capture
    "photo.saved": ("已保存 {path}（{size} 字节，质量 {quality}）",
                    "saved {path} ({size} bytes, quality {quality})"),
    "photo.compliant_not_saved": ("合格，未保存（{size} 字节，质量 {quality}）",
                                  "compliant, not saved ({size} bytes, quality {quality})"),
    "photo.not_compliant": ("不合格：{reason}", "NOT COMPLIANT: {reason}"),
    "photo.see_checks": ("见下列检查项", "see checks"),
    "check.file_line": ("{verdict} {path}（{size} 字节，质量 {quality}）",
                        "{verdict} {path} ({size} bytes, quality {quality})"),
    "check.no_photos": ("在 {paths} 中没有找到照片", "no photos found in {paths}"),
    "check.no_such_file": ("文件不存在（或链接已断开）", "no such file (or a broken link)"),
    "check.is_folder": ("这是文件夹", "is a folder"),
    "force.needs_reason": ("--force 会保存未通过检查的照片：请用 --reason 说明原因",
                           "--force saves a photo that fails a check: give the reason with --reason"),
    # roster import
    "roster.summary": ("{file}（{encoding}）：新增 {added} 人，更新 {updated} 人，未变 {unchanged} 人，"
                       "有误 {bad} 行",
                       "{file} ({encoding}): {added} added, {updated} updated, {unchanged} "
                       "unchanged, {bad} bad"),
    "roster.bad_line": ("  第 {where}{line} 行{ident}：{reason}", "  line {where}{line}{ident}: {reason}"),
    # export
    "export.summary": ("已导出 {n} 张照片到{kind} {out}，用时 {seconds:.1f} 秒（排除 {excluded} 张，"
                       "{missing} 人没有照片）",
                       "exported {n} photos to {kind} {out} in {seconds:.1f} s ({excluded} excluded, "
                       "{missing} without a photo)"),
    "export.kind_zip": ("压缩包", "ZIP"),
    "export.kind_folder": ("文件夹", "folder"),
    "export.excluded": ("  已排除 {id}：{reason}", "  excluded {id}: {reason}"),
    "export.since_after_until": ("--since 晚于 --until", "--since is after --until"),
    # import-export
    "merge.summary": ("{source}（采集站：{stations}）：导入 {imported} 张，未变 {unchanged} 张，"
                      "跳过 {skipped} 张（本机照片较新），拒收 {rejected} 张",
                      "{source} (stations: {stations}): {imported} imported, {unchanged} "
                      "unchanged, {skipped} skipped (local photo newer), {rejected} rejected"),
    "merge.rejected": ("  第 {line} 行 {id}：{reason}", "  line {line} {id}: {reason}"),
    "path.missing": ("{path}：没有这个文件或文件夹", "{path}: no such file or folder"),
    # calibrate (the window's calibration page says the same)
    "calibration.title": ("灯光校准", "Lighting calibration"),
    "calibration.pass": ("合格", "PASS"),
    "calibration.warn": ("合格（有提醒）", "PASS (warnings)"),
    "calibration.fail": ("不合格", "FAIL"),
    "calibration.undetermined": ("无法判断", "?"),
    "calibration.summary": ("{title}：{word}（不合格 {fails} 项，提醒 {warns} 项）",
                            "{title}: {word} ({fails} failed, {warns} warning{plural})"),
    "calibration.status.pass": ("合格", "pass"),
    "calibration.status.warn": ("提醒", "warn"),
    "calibration.status.fail": ("不合格", "fail"),
    "calibration.status.undetermined": ("未测定", "undetermined"),
    "calibration.saved": ("已保存为本机校准：{path}", "saved: {path}"),
    "calibration.report": ("报告：{path}", "report: {path}"),
    "calibration.taking_backdrop": ("拍摄空背景…", "Taking the empty backdrop..."),
    "calibration.prompt": ("请让一人正对相机坐在考生位置（或在头部高度举18%灰卡），准备好后按回车……",
                           "Seat a person facing the camera at the candidate's place (or hold an "
                           "18 % grey card at head height), then press Enter..."),
    "calibration.need_backdrop": ("请给出空背景照片（BACKDROP_IMAGE）或 --camera SPEC",
                                  "give the empty-backdrop picture (BACKDROP_IMAGE) or --camera SPEC"),
    "calibration.subject_needs_camera": ("--subject camera 需要 --camera SPEC",
                                         "--subject camera needs --camera SPEC"),
    "calibration.no_backdrop": ("没有空背景照片", "no picture of the empty backdrop"),
    "calibration.report_unwritable": ("无法把报告写入 {path}：{why}",
                                      "cannot write the report to {path}: {why}"),
    # errors every command may print
    "error.invalid_id": ("考生号无效：{why}", "invalid candidate ID: {why}"),
    "error.database": ("采集站数据库错误：{why}", "station database error: {why}"),
    "error.interrupted": ("已中断", "interrupted"),
    "error.internal": ("内部错误：{why}", "internal error: {why}"),
    "error.no_window": ("采集站窗口不可用：{why}", "the station window is not available: {why}"),
}


def resolve_language(explicit: str | None = None,
                     environ: Mapping[str, str] | None = None) -> str:
    """``zh_CN`` or ``en`` from ``--lang``, ``CAPTURE_STATION_LANG`` or the locale."""
    env = os.environ if environ is None else environ
    for value in (explicit, env.get(ENV_LANG)):
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:  # the first one set decides, as in POSIX
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str) -> None:
    global _current
    _current = "zh_CN" if lang.lower().startswith("zh") else "en"


def language() -> str:
    """The language of this command: ``zh_CN`` or ``en``."""
    return _current


def is_chinese() -> bool:
    return _current == "zh_CN"


def text(key: str, lang: str | None = None, **values: object) -> str:
    """The text of ``key`` in ``lang`` (default: this command's language), formatted."""
    zh, en = TEXTS[key]
    template = zh if (lang or _current).startswith("zh") else en
    return template.format(**values) if values else template


def status_word(status: str, lang: str | None = None) -> str:
    """A check status (``pass``, ``warn``, ``fail``, ``undetermined``) as the operator reads it."""
    key = f"status.{status}"
    return text(key, lang) if key in TEXTS else status


def pad(value: str, width: int) -> str:
    """``value`` left-aligned in ``width`` terminal columns (a Chinese character takes two), so
    the columns of a table line up in both languages."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)
    return value + " " * max(0, width - cols)
