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

import errno
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
    # candidate IDs (records.candidate_id): why a typed, scanned or listed ID is refused
    "id.not_text": ("考生号必须是文本", "candidate ID must be text"),
    "id.too_long": ("考生号过长", "candidate ID is too long"),
    "id.empty": ("考生号为空", "candidate ID is empty"),
    "id.look_alikes": ("考生号含有非数字字符（形近字符）",
                       "candidate ID contains characters that are not plain digits (look-alikes)"),
    "id.control": ("考生号含有控制字符", "candidate ID contains control characters"),
    "id.path_char": ("考生号含有路径字符（/ \\ . :）",
                     "candidate ID contains a path character (/ \\ . :)"),
    "id.space": ("考生号含有空格", "candidate ID contains a space"),
    "id.resident_chars": ("身份证号含有非法字符", "resident ID number has invalid characters"),
    "id.resident_check": ("身份证号校验位错误", "resident ID number check digit is wrong"),
    "id.admission_digits": ("准考证号位数不对（{n}位，应为{digits}位）",
                            "admission number has {n} digits; expected {digits} digits"),
    "id.admission_pattern": ("准考证号位数不对（{n}位，应为{pattern}）",
                             "admission number has {n} digits; expected {pattern}"),
    "id.not_an_id": ("考生号须为准考证号（纯数字）或18位身份证号",
                     "candidate ID must be an exam admission number (digits) or an 18-character "
                     "resident ID"),
    # errors every command may print
    "error.invalid_id": ("考生号无效：{why}", "invalid candidate ID: {why}"),
    "error.database": ("采集站数据库错误：{why}", "station database error: {why}"),
    "error.interrupted": ("已中断", "interrupted"),
    "error.internal": ("内部错误：{why}", "internal error: {why}"),
    "error.no_window": ("采集站窗口不可用：{why}", "the station window is not available: {why}"),
}


class Msg:
    """A text of :data:`TEXTS` with its values, rendered in the current language when it is read.

    Why late: a refusal raised in a worker thread of the window (a roster import, an export) is
    shown later, maybe after the operator switched the language, and a report's row reasons are
    read by both the command line (its language) and ``--json`` (English, for scripts). So the
    records layer keeps the key and the values, and ``str()`` renders them in the language of
    that moment; :meth:`render` gives a chosen one. Values that are themselves ``Msg`` (or an
    exception carrying one) render in the same language.

    :meth:`pair` holds a (Chinese, English) pair that comes bilingual from elsewhere (the check
    engine's messages, an operating-system reason).
    """

    __slots__ = ("key", "values", "_pair")

    def __init__(self, key: str, /, **values: object) -> None:
        if key not in TEXTS:
            raise KeyError(f"no text {key!r}")
        self.key = key
        self.values = values
        self._pair: tuple[str, str] | None = None

    @classmethod
    def pair(cls, zh: str, en: str) -> Msg:
        m = cls.__new__(cls)
        m.key, m.values, m._pair = "", {}, (zh, en)
        return m

    def render(self, lang: str | None = None) -> str:
        if self._pair is not None:
            zh, en = self._pair
            return zh if (lang or _current).startswith("zh") else en
        return text(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.render()

    def __format__(self, spec: str) -> str:
        return format(self.render(), spec)

    def __repr__(self) -> str:
        return f"Msg({self.key or self._pair!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Msg):
            return NotImplemented
        return (self.key, self.values, self._pair) == (other.key, other.values, other._pair)

    def __hash__(self) -> int:
        return hash((self.key, self._pair))


class LocalizedError(Exception):
    """An error whose one line is a :class:`Msg`: ``Error("area.key", value=...)``.

    ``str()`` renders it in the current language (see :class:`Msg` for why late). A text that
    is already in the reader's language (the window's own ``tr()``) may be given as it is."""

    def __init__(self, key: str | Msg, /, **values: object) -> None:
        if isinstance(key, Msg):
            message: Msg | str = key
        elif values or key in TEXTS:
            message = Msg(key, **values)
        else:
            message = key
        super().__init__(message)
        self.message = message

    def render(self, lang: str | None = None) -> str:
        return self.message.render(lang) if isinstance(self.message, Msg) else self.message


def message_of(e: BaseException) -> Msg | None:
    """The :class:`Msg` an exception carries as its first argument, if any."""
    arg = e.args[0] if e.args else None
    return arg if isinstance(arg, Msg) else None


# errno -> the Chinese reason; the English one is the system's own (``strerror``).
_OS_REASONS_ZH = {
    errno.ENOENT: "没有这个文件或文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "不是文件夹",
    errno.EINVAL: "不是普通文件（设备、管道或套接字），已拒绝",
    errno.EFBIG: "文件过大",
    errno.ELOOP: "符号链接太多",
    errno.EIO: "读写错误（磁盘或U盘可能已损坏）",
}


def os_reason(e: OSError) -> Msg:
    """Why an operating-system call failed, in both languages: the system's English text and a
    Chinese one for the common cases (the system's text where there is none)."""
    en = e.strerror or str(e)
    return Msg.pair(_OS_REASONS_ZH.get(e.errno or 0, en), en)


def _rendered(value: object, lang: str) -> object:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, BaseException):
        m = message_of(value)
        if m is not None:
            return m.render(lang)
    return value


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
    lang = lang or _current
    template = zh if lang.startswith("zh") else en
    if not values:
        return template
    return template.format(**{k: _rendered(v, lang) for k, v in values.items()})


def status_word(status: str, lang: str | None = None) -> str:
    """A check status (``pass``, ``warn``, ``fail``, ``undetermined``) as the operator reads it."""
    key = f"status.{status}"
    return text(key, lang) if key in TEXTS else status


def pad(value: str, width: int) -> str:
    """``value`` left-aligned in ``width`` terminal columns (a Chinese character takes two), so
    the columns of a table line up in both languages."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)
    return value + " " * max(0, width - cols)
