"""The texts the station prints outside the window, in Simplified Chinese and English.

Why a module of its own: the office administrators who run ``roster import``, ``export``,
``check`` and ``calibrate`` read Chinese; scripts read the JSON, whose keys and check ids never
change. The window translates its own widgets with Qt (``assets/i18n``), but what the command
line and the window both say (a verdict, a saved photo, an export's summary) is written here
once, as (zh_CN, en) pairs, with no Qt, so that every layer may use it. Check messages and hints
already come in both languages from the check engine.

The language is resolved once per command: ``--lang zh_CN|en``, else ``CAPTURE_STATION_LANG``,
else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in POSIX order): Chinese when it names
``zh``, English otherwise (``C``, ``POSIX``, unset). The window sets it too, on every switch of
its language menu.

The records layer (roster import, export, merge, store) and the cameras raise their refusals
as :class:`LocalizedError` subclasses (``CameraError`` for a camera), and the records layer
reports its row reasons as :class:`Msg`: a key of :data:`TEXTS` with its values, rendered in
the current language only when it is read. Why not at raise time: the window raises them on
worker threads (a camera's own thread, the camera controller's, an import's) and shows them
later, maybe after the operator switched the language, and a report is read both by the
operator (their language) and by scripts. What scripts read never changes: ``--json`` writes
row reasons in English, as it always has, and the audit entries in the database keep English
too. ``excluded.csv`` of an export carries both languages whatever the command's language (its
``reason`` and ``reason_zh`` columns): the file goes to the office that uploads the photos,
which reads it in Chinese, while a script compares the English column.
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
    "export.exists": ("{path} 已存在：请换一个名称（导出从不覆盖已有的文件）",
                      "{path} already exists; choose a new name (an export never overwrites)"),
    "export.exists_now": ("{path} 已存在；没有覆盖任何内容", "{path} already exists; nothing was overwritten"),
    "export.appeared": ("导出期间出现了 {path}；没有覆盖任何内容",
                        "{path} appeared while exporting; nothing was overwritten"),
    "export.no_folder": ("文件夹 {folder} 不存在", "folder {folder} does not exist"),
    "export.not_writable": ("文件夹 {folder} 不可写（没有写入权限）；请换一个位置",
                            "folder {folder} is not writable"),
    "export.inside_store": ("{path} 在采集站的数据文件夹 {root} 之内；请导出到数据文件夹以外的位置",
                            "{path} is inside the station's data folder {root}; export to a folder "
                            "outside it"),
    "export.unknown_encoding": ("未知的编码 {encoding}；请用 utf-8 或 gbk",
                                "unknown encoding {encoding}; use utf-8 or gbk"),
    "export.unknown_file_key": ("未知的文件命名方式 {key}；请用 admission（准考证号）或 resident（身份证号）",
                                "unknown file key {key}; use admission or resident"),
    "export.invalid_date": ("日期 {text} 无效；请写成 年-月-日（YYYY-MM-DD），例如 2026-05-01",
                            "invalid date {text}; use YYYY-MM-DD"),
    "export.date_out_of_range": ("日期 {text} 超出范围（{lo}–{hi} 年）",
                                 "date {text} is out of range ({lo}-{hi})"),
    "export.ids_unreadable": ("{path}：无法读取（{why}）", "{path}: {why}"),
    "export.ids_decode": ("{path}：{why}", "{path}: {why}"),
    "export.ids_bad_line": ("{file} 第 {line} 行：考生号 {id} 无效：{why}",
                            "{file} line {line}: invalid candidate ID {id}: {why}"),
    "export.ids_empty": ("{file}：文件中没有考生号（每行写一个考生号）",
                         "{file}: no candidate ID in the file (one ID a line)"),
    "export.note.removed": ("已删除 {name}（上次导出中断时留下的）",
                            "removed {name}, left by an interrupted export"),
    "export.note.gb18030": ("{n} 个姓名含有GBK以外的字符，已按GB18030写入",
                            "{n} names have characters outside GBK; written as GB18030"),
    # why a photo is left out of an export (excluded.csv has both languages, reason and reason_zh)
    "export.excl.invalid_id": ("记录中的考生号无效", "invalid candidate ID in the station records"),
    "export.excl.demo": ("演示相机拍摄的练习照片，不是考生本人的照片",
                         "taken with the demo camera (a practice shot, not a photo of the "
                         "candidate)"),
    "export.excl.same_resident": ("另一名考生的身份证号相同：两张照片的文件名会重复",
                                  "another candidate has the same resident ID: both would be "
                                  "exported under one file name"),
    "export.excl.too_large": ("磁盘上的文件过大，不可能是采集站的照片",
                              "file on disk is far too large for a station photo"),
    "export.excl.missing": ("磁盘上缺少照片文件", "photo file is missing on disk"),
    "export.excl.unreadable": ("照片文件无法读取（{why}）", "photo file cannot be read: {why}"),
    "export.excl.sha_mismatch": ("磁盘上的文件与记录不符（SHA-256不一致）：保存后被修改、替换或损坏",
                                 "file on disk differs from its record (SHA-256 mismatch): changed, "
                                 "replaced or damaged after it was saved"),
    "export.since_after_until": ("--since 晚于 --until", "--since is after --until"),
    # import-export
    "merge.summary": ("{source}（采集站：{stations}）：导入 {imported} 张，未变 {unchanged} 张，"
                      "跳过 {skipped} 张（本机照片较新），拒收 {rejected} 张",
                      "{source} (stations: {stations}): {imported} imported, {unchanged} "
                      "unchanged, {skipped} skipped (local photo newer), {rejected} rejected"),
    "merge.rejected": ("  第 {line} 行 {id}：{reason}", "  line {line} {id}: {reason}"),
    # making a photo of a shot (process, the window's capture)
    "shot.no_face": ("未检测到人脸", "no face found"),
    "shot.no_crown": ("找不到头顶", "top of head not found"),
    "shot.not_feasible": ("无法按标准裁切：{problems}", "not feasible: {problems}"),
    "shot.too_noisy": ("质量降到 {quality} 文件仍有 {size} 字节（> {max}）：画面噪点多，请检查灯光并降低 ISO",
                       "even at quality {quality} the file is {size} bytes (> {max}): the picture "
                       "is noisy; check the lighting and lower the ISO"),
    "shot.too_flat": ("质量 100 文件也只有 {size} 字节（< {min}）：画面细节太少，请检查对焦，让人脸充满取景框",
                      "even at quality 100 the file is only {size} bytes (< {min}): the picture has "
                      "too little detail; check focus and that the face fills the frame"),
    "shot.no_photo": ("无法生成照片", "the photo could not be made"),
    "filing.not_compliant": ("未通过的检查：{checks}", "not compliant: {checks}"),
    "filing.read_back": ("从 {path} 读回的文件与写入的不同", "the file read back from {path} differs "
                         "from what was written"),
    # images given to process / check
    "image.cannot_decode": ("{name}：无法解码图像（{why}）", "{name}: cannot decode image ({why})"),
    "image.empty": ("{name}：文件是空的", "{name}: file is empty"),
    "image.no_pixels": ("{name}：图像没有像素", "{name}: image has no pixels"),
    "image.too_large": ("{name}：图像太大（{width}x{height} 像素，上限 {limit} MP）",
                        "{name}: image too large ({width}x{height} pixels, limit {limit} MP)"),
    "image.bomb": ("{name}：图像声明的像素过多（解压炸弹），拒收",
                   "{name}: image declares too many pixels (decompression bomb)"),
    "image.not_image": ("{name}：不是可读取的图像文件", "{name}: not an image file Pillow can read"),
    "image.damaged": ("{name}：图像已损坏（{why}）", "{name}: damaged image ({why})"),
    "image.mirrored": ("{name}：EXIF 方向 {orientation} 会镜像图像，拒收（一.2）",
                       "{name}: EXIF orientation {orientation} mirrors the image; refused (一.2)"),
    "image.is_folder": ("{name}：这是文件夹，不是图像文件", "{name}: is a folder, not an image file"),
    "image.os_error": ("{name}：{why}", "{name}: {why}"),
    "image.no_such_file": ("{name}：文件不存在（或链接已断开）", "{name}: no such file (or a broken link)"),
    "image.permission": ("{name}：没有读取权限", "{name}: permission denied"),
    "image.cannot_read": ("{name}：无法读取（{why}）", "{name}: cannot read ({why})"),
    "image.bad_frame": ("{name}：应为 HxWx3 的 uint8 RGB 画面", "{name}: expected an HxWx3 uint8 RGB frame"),
    "path.missing": ("{path}：没有这个文件或文件夹", "{path}: no such file or folder"),
    "merge.not_an_export": ("{file}：不是可读取的导出文件夹或ZIP（{why}）；未改动任何内容",
                            "{file}: not a readable export folder or ZIP ({why}); nothing was "
                            "changed"),
    "merge.member_too_large": ("{name} 有 {size} 字节，过大", "{name} is {size} bytes, too large"),
    "merge.member_encrypted": ("{name} 已加密", "{name} is encrypted"),
    "merge.member_unreadable": ("无法从ZIP中读取 {name}（{why}）", "{name} cannot be read from the ZIP ({why})"),
    "merge.member_refused": ("{name}：{why}", "{name}: {why}"),
    "merge.manifest_unreadable": ("{manifest}：{why}；未改动任何内容", "{manifest}: {why}; nothing was changed"),
    "merge.no_manifest": ("{file}：没有 {manifest}；这是采集站的导出包吗？请选择采集站导出的文件夹或ZIP",
                          "{file}: no {manifest}; is this a station export?"),
    "merge.manifest_decode": ("{manifest}：{why}", "{manifest}: {why}"),
    "merge.manifest_empty": ("{manifest} 是空的", "{manifest} is empty"),
    "merge.manifest_lacks": ("{manifest} 缺少以下列：{columns}", "{manifest} lacks the column(s) {columns}"),
    "merge.row.file_name": ("文件名 {file} 应为 {expected}", "file name {file} is not {expected}"),
    "merge.row.twice": ("重复列出（另见第 {line} 行）", "listed twice (also line {line})"),
    "merge.row.no_time": ("拍摄时间缺失或无法识别", "capture time missing or unreadable"),
    "merge.row.future": ("拍摄时间 {when} 晚于现在（另一采集站的时钟不对）",
                         "capture time {when} is in the future (the other station's clock is "
                         "wrong)"),
    "merge.row.bad_sha": ("sha256 缺失或格式错误", "sha256 missing or malformed"),
    "merge.row.cannot_read": ("无法读取 {name}：{why}", "cannot read {name}: {why}"),
    "merge.row.not_in_export": ("导出包中没有 {name}", "{name} is not in the export"),
    "merge.row.sha_mismatch": ("{name} 与清单不符（SHA-256不一致）",
                               "{name} differs from the manifest (SHA-256 mismatch)"),
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
    # text files from the offices (records.csv_safe): rosters, ID lists, manifests
    "csv.bad_utf8_bom": ("文件开头标明是UTF-8，但内容不是UTF-8（第 {byte} 字节出错）；请在Excel或记事本中"
                         "重新另存为UTF-8",
                         "the file starts with a UTF-8 mark but is not UTF-8 (invalid at byte "
                         "{byte})"),
    "csv.bad_utf16_bom": ("文件开头标明是UTF-16，但内容不是UTF-16；请重新另存为UTF-8或GBK",
                          "the file starts with a UTF-16 mark but is not UTF-16"),
    "csv.unknown_encoding": ("文件既不是UTF-8也不是GBK/GB18030文本（第 {byte} 字节出错）；"
                             "请另存为UTF-8或GBK的CSV",
                             "the file is neither UTF-8 nor GBK/GB18030 text (byte {byte})"),
    "csv.mixed_encodings": ("文件混用了两种编码：第 {utf8_line} 行是UTF-8，第 {other_line} 行不是"
                            "（可能是GBK）；请把整个文件另存为同一种编码后重新导入",
                            "the file mixes encodings: line {utf8_line} is UTF-8 but line "
                            "{other_line} is not (GBK?); save the whole file in one encoding and "
                            "import it again"),
    "csv.cell_too_long": ("有一格超过 {limit} 个字符", "a cell is longer than {limit} characters"),
    "csv.unreadable_row": ("无法读取的CSV行（{why}）", "unreadable CSV row ({why})"),
    "csv.quote_not_closed": ("引号没有正确闭合：吞掉了后面 {n} 行的换行和分隔符；这些行已单独读取",
                             "a quoted cell is not closed properly: it swallowed the line breaks "
                             "and separators of the next {n} line(s); the rows after it were read "
                             "on their own"),
    # roster import (records.roster): the file refused as a whole
    "roster.no_file": ("{path}：找不到名单文件", "{path}: no such file"),
    "roster.unreadable": ("{path}：无法读取（{why}）", "{path}: {why}"),
    "roster.nul_bytes": ("文件不是文本格式的名单（含有NUL字节）；请另存为CSV或XLSX后再导入",
                         "the file is not a text roster (it contains NUL bytes)"),
    "roster.needs_openpyxl": ("读取 .xlsx 需要 openpyxl 软件包", "reading .xlsx needs the openpyxl package"),
    "roster.workbook_unreadable": ("无法读取该Excel工作簿（{why}）；请在Excel中打开并另存为 .xlsx 或CSV",
                                   "cannot read the workbook: {why}"),
    "roster.too_many_rows": ("工作表 {sheet}：考生行超过 {limit} 行；请把名单拆分成几个文件",
                             "sheet {sheet}: more than {limit} candidate rows; split the roster"),
    "roster.xls": ("{file}：这是旧版Excel（.xls）格式；请在Excel中另存为 .xlsx 或CSV后再导入",
                   "{file}: old Excel .xls format; save it as .xlsx or CSV"),
    "roster.no_header_sheet": ("{file}：没有哪个工作表有表头行（需要含“准考证号”或“身份证号”的一列，"
                               "以及“姓名”一列）",
                               "{file}: no sheet has a header row with an admission number or "
                               "resident ID column and a name column"),
    "roster.no_header": ("{file}：名单文件没有表头行（需要含“准考证号”或“身份证号”的一列，以及“姓名”一列）",
                         "{file}: no header row with an admission number or resident ID column "
                         "and a name column (e.g. 准考证号, 姓名, 身份证号)"),
    "roster.no_rows": ("{file}：名单只有表头，没有考生行", "{file}: the roster has a header but no "
                       "candidate rows"),
    # roster import: why one row is not imported (also the merge's name rules)
    "field.name": ("姓名", "name"),
    "field.office": ("考办", "office"),
    "field.station": ("采集站名称", "station name"),
    "field.resident": ("身份证号", "resident ID"),
    "field.admission": ("准考证号", "admission number"),
    "row.too_long": ("{what}超过 {n} 个字", "{what} longer than {n} characters"),
    "row.missing": ("缺少{what}", "missing {what}"),
    "row.control_chars": ("{what}中有控制字符", "{what} contains control characters"),
    "row.scientific": ("{what}“{value}”是科学计数法：Excel 把它变成了数字并丢失了位数；请把该列设为文本后"
                       "重新导出",
                       "{what} '{value}' is in scientific notation: Excel turned it into a "
                       "number and lost digits; format the column as text and export again"),
    "row.resident_format": ("身份证号 {id} 不是18位（最后一位可以是X）",
                            "resident ID {id} is not 18 characters of digits (last one may be X)"),
    "row.resident_check": ("身份证号 {id} 校验位错误", "resident ID {id}: invalid check digit"),
    "row.invalid_id": ("考生号 {id} 无效：{why}", "invalid candidate ID {id}: {why}"),
    "row.no_id": ("没有准考证号，也没有身份证号", "no admission number and no resident ID"),
    "row.duplicate_same": ("重复：与第 {line} 行是同一考生", "duplicate: same candidate as line {line}"),
    "row.duplicate_conflict": ("考生号重复且内容不同，见第 {lines} 行",
                               "duplicate ID with different data on line {lines}"),
    "row.duplicate_resident": ("身份证号 {id} 重复，另一准考证号见第 {lines} 行",
                               "duplicate resident ID {id} under another admission number on line "
                               "{lines}"),
    # the station's data folder and database (records.store)
    "store.what.save_photo": ("保存照片", "save a photo"),
    "store.what.save_photo_for": ("保存 {id} 的照片", "save the photo for {id}"),
    "store.what.import_roster": ("导入名单", "import a roster"),
    "store.what.merge_export": ("合并导出包", "merge an export"),
    "store.what.create_folder": ("创建数据文件夹 {path}", "create the data folder {path}"),
    "store.what.save_lock": ("在数据文件夹中加保存锁", "take the save lock in the data folder"),
    "store.cannot": ("无法{what}：{why}", "cannot {what}: {why}"),
    "store.why.disk_full": ("磁盘已满", "disk full"),
    "store.why.read_only": ("文件系统是只读的", "read-only file system"),
    "store.why.database": ("采集站数据库错误（{why}）", "station database error ({why})"),
    "store.read_only": ("无法{what}：数据文件夹 {root} 在只读文件系统上；未保存任何内容",
                        "cannot {what}: the data folder {root} is on a read-only file system; "
                        "nothing was saved"),
    "store.nothing_saved": ("{why}；未保存任何内容", "{why}; nothing was saved"),
    "store.nothing_saved_kept": ("{why}；未保存任何内容，原来的照片保留",
                                 "{why}; nothing was saved; the previous photo is kept"),
    "store.not_taken_back": ("{why}；新文件无法撤回，将在下次启动时记录",
                             "{why}; the new file could not be taken back and will be recorded on "
                             "the next start"),
    "store.db_symlink": ("已拒绝：{path} 是符号链接；采集站数据未打开",
                         "refused: {path} is a symbolic link; the store is not opened"),
    "store.no_db_read_only": ("只读文件夹 {root} 中没有采集站数据库",
                              "no station database in the read-only folder {root}"),
    "store.cannot_open_db": ("无法打开采集站数据库 {path}：{why}（磁盘已满或只读？）",
                             "cannot open the station database {path}: {why} (disk full or "
                             "read-only?)"),
    "store.schema_newer": ("采集站数据库 {path} 的版本为 {version}，比本程序支持的 {known} 新：请升级"
                           " capture-station；数据未被改动",
                           "the station database {path} has schema version {version}, newer than "
                           "this program's {known}: update capture-station; the store was not "
                           "changed"),
    "store.photo_symlink": ("已拒绝：{path} 是符号链接（此处应为照片）；未保存任何内容",
                            "refused: {path} is a symbolic link where the store keeps a photo; "
                            "nothing was saved"),
    "store.kind.photo": ("照片", "photo"),
    "store.kind.folder": ("文件夹", "folder"),
    "store.link_refused": ("已拒绝：{path} 是符号链接（此处应为{kind}）；采集站数据未打开",
                           "refused: {path} is a symbolic link where the store keeps a {kind}; "
                           "the store is not opened"),
    "store.not_folder": ("已拒绝：{path} 不是文件夹", "refused: {path} is not a folder"),
    "store.no_store": ("{root} 不是采集站数据文件夹（未创建任何内容）",
                       "no station store at {root} (nothing was created)"),
    "store.root_not_folder": ("无法把 {root} 用作数据文件夹：它不是文件夹",
                              "cannot use {root} as the data folder: not a folder"),
    "store.not_empty": ("已拒绝：{root} 不是空文件夹，也不是采集站数据文件夹；请指定一个新的或空的文件夹",
                        "refused: {root} is not empty and is not a station store; give a new or "
                        "empty folder"),
    "store.shared_folder": ("已拒绝：{root} 是共享文件夹（其他用户可写，或属于其他用户）；请指定一个新文件夹",
                            "refused: {root} is a shared folder (writable by others or owned by "
                            "another user); give a new folder"),
    "store.note.read_only": ("数据文件夹 {root} 在只读文件系统上：已只读打开，没有加锁，也不会记录任何内容",
                             "the store {root} is on a read-only file system: opened read-only, "
                             "nothing was locked and nothing is recorded"),
    "store.note.wal_unread": ("在只读文件系统上无法读取数据库的预写日志：最近保存的照片可能缺失",
                              "the database's write-ahead log could not be read on the read-only "
                              "file system: the latest saves may be missing"),
    "store.no_data_folder": ("没有设置数据文件夹", "no data folder configured"),
    # the `cameras` table
    "cameras.columns": ("类型|名称|规格|端口|实时取景", "KIND|NAME|SPEC|PORT|LIVE VIEW"),
    "cameras.yes": ("有", "yes"),
    "cameras.no": ("无", "no"),
    "camera.port.built_in": ("内置", "built-in"),
    # a camera's problems (capture_station.cameras): every CameraError, one line each. A device's
    # path, a port, a file name, an option as typed and libgphoto2's own error text are values,
    # shown as they are; "{camera}" is the camera's name (its kind for a problem of its spec).
    "camera.kind.webcam": ("摄像头", "webcam"),
    "camera.kind.webcam_n": ("摄像头 {index}", "webcam {index}"),
    "camera.kind.gphoto2": ("单反相机", "gphoto2"),
    "camera.kind.demo": ("演示相机", "demo"),
    "camera.name.webcam": ("摄像头 {index}", "Webcam {index}"),
    "camera.name.video": ("视频 {file}", "Video {file}"),
    "camera.name.demo": ("演示相机（{label}）", "Demo camera ({label})"),
    "camera.name.scene": ("内置画面", "built-in scene"),
    "camera.name.gphoto2": ("单反相机", "gphoto2 camera"),
    "camera.name.gphoto2_at": ("单反相机（{port}）", "gphoto2 camera at {port}"),
    "camera.none": ("无", "none"),
    "camera.none_found": ("未找到相机", "no camera found"),
    "camera.none_connected": ("相机未连接", "no camera is connected"),
    "camera.not_open": ("{camera}：相机未打开", "{camera}: camera is not open"),
    "camera.not_connected": ("{camera}：未连接", "{camera}: not connected"),
    "camera.reconnecting": ("{camera}：相机已断开，正在重新连接",
                            "{camera}: camera is disconnected (reconnecting)"),
    "camera.no_picture": ("{camera}：{seconds} 秒内没有收到相机的画面",
                          "{camera}: no picture from the camera in {seconds} s"),
    "camera.no_picture_why": ("{camera}：{seconds} 秒内没有收到相机的画面（{why}）",
                              "{camera}: no picture from the camera in {seconds} s ({why})"),
    "camera.bad_frame": ("{camera}：设备送来的画面格式不对（{shape}）",
                         "{camera}: device gave a {shape} frame"),
    "camera.bad_picture": ("{camera}：相机送来的照片格式不对（{shape}）",
                           "{camera}: the camera gave a {shape} picture"),
    "camera.gave_up": ("{camera}：重新连接 {attempts} 次都没有成功，已停止尝试",
                       "{camera}: gave up reconnecting after {attempts} attempts"),
    "camera.cannot_open": ("{camera}：无法打开：{why}", "{camera}: cannot open: {why}"),
    "camera.live_view_failed": ("{camera}：实时取景出错：{why}", "{camera}: live view failed: {why}"),
    "camera.capture_failed": ("{camera}：拍照失败：{why}", "{camera}: capture failed: {why}"),
    "camera.settings_failed": ("{camera}：读取设置失败：{why}",
                               "{camera}: reading settings failed: {why}"),
    "camera.setting_failed": ("{camera}：更改设置“{setting}”失败：{why}",
                              "{camera}: setting {setting} failed: {why}"),
    "camera.stopped": ("{camera}：相机停止工作：{why}", "{camera}: camera stopped: {why}"),
    "camera.read_failed": ("{camera}：读取画面失败：{why}", "{camera}: reading a frame failed: {why}"),
    "camera.reconnect_failed": ("{camera}：重新连接失败：{why}", "{camera}: reconnect failed: {why}"),
    "camera.no_setting": ("{camera}：没有名为“{setting}”的设置", "{camera}: no setting named {setting!r}"),
    "camera.setting_fixed": ("{camera}：设置“{setting}”不能更改",
                             "{camera}: setting {setting!r} cannot be changed"),
    # the spec the operator typed (--camera, the settings' camera field)
    "camera.spec.empty": ("没有填写相机（可以填 demo、webcam:0 或 gphoto2）",
                          "camera spec is empty (try 'demo', 'webcam:0' or 'gphoto2')"),
    "camera.spec.bad_option": ("相机“{spec}”：选项“{option}”应写成“名称=值”",
                               "camera spec {spec!r}: option {option!r} is not NAME=VALUE"),
    "camera.spec.unknown_kind": ("相机“{spec}”：没有“{kind}”这种相机（可用：{kinds}）",
                                 "camera spec {spec!r}: unknown kind {kind!r} (use one of: "
                                 "{kinds})"),
    "camera.spec.whole_number": ("{kind}：选项 {option} 必须是整数，收到的是“{value}”",
                                 "{kind}: option {option} must be a whole number, got {value!r}"),
    "camera.spec.number": ("{kind}：选项 {option} 必须是数字，收到的是“{value}”",
                           "{kind}: option {option} must be a number, got {value!r}"),
    "camera.spec.flag": ("{kind}：选项 {option} 必须是 0 或 1，收到的是“{value}”",
                         "{kind}: option {option} must be 0 or 1, got {value!r}"),
    "camera.spec.size": ("{kind}：选项 {option} 应写成 1280x720 的形式，收到的是“{value}”",
                         "{kind}: option {option} must look like 1280x720, got {value!r}"),
    "camera.spec.unknown_option": ("{kind}：没有“{option}”这个选项（可用：{known}）",
                                   "{kind}: unknown option {option!r} (known: {known})"),
    "camera.spec.bad_arguments": ("{kind}：相机选项有误（{why}）", "{kind}: bad camera option ({why})"),
    # webcams, and video files played through the same code
    "camera.webcam.unknown_backend": ("{camera}：没有“{backend}”这种采集后端（可用：{known}）",
                                      "{camera}: unknown backend {backend!r} (known: {known})"),
    "camera.webcam.width_height": ("{camera}：宽度和高度（width、height）要么都给出，要么都不给",
                                   "{camera}: give both width and height, or neither"),
    "camera.webcam.no_device": ("{camera}：没有视频设备 {device}（找到的设备：{found}）",
                                "{camera}: no such video device {device} (found: {found})"),
    "camera.webcam.no_permission": ("{camera}：没有使用 {device} 的权限（请把当前用户加入 video 用户组）",
                                    "{camera}: no permission for {device} (add the user to the "
                                    "'video' group)"),
    "camera.webcam.cannot_open": ("{camera}：无法打开摄像头（没有连接，或正被其他程序使用）",
                                  "{camera}: cannot open the camera (not connected, or in use by "
                                  "another program)"),
    "camera.webcam.no_frames": ("{camera}：摄像头已打开，但没有送来画面",
                                "{camera}: the camera opened but delivers no frames"),
    "camera.webcam.stopped": ("{camera}：摄像头不再送来画面",
                              "{camera}: the camera stopped delivering frames"),
    "camera.webcam.scorer_failed": ("{camera}：给照片打分出错，改按清晰度挑选（{why}）",
                                    "{camera}: still scorer failed ({why})"),
    "camera.webcam.bad_resolution": ("{camera}：分辨率应写成 1280x720 的形式，收到的是“{value}”",
                                     "{camera}: resolution must look like 1280x720, got {value!r}"),
    "camera.video.no_file": ("{camera}：视频文件不存在：{path}", "{camera}: no such video file: {path}"),
    "camera.video.cannot_open": ("{camera}：无法打开视频文件 {file}",
                                 "{camera}: cannot open video file {file}"),
    "camera.video.no_frames": ("{camera}：视频文件 {file} 中没有可读取的画面",
                               "{camera}: video file {file} has no readable frames"),
    "camera.video.unreadable": ("{camera}：视频文件无法读取", "{camera}: the video file cannot be read"),
    "camera.video.not_open": ("{camera}：视频未打开", "{camera}: video is not open"),
    # the demo camera (built-in scene, a folder of pictures or a video; fault injection for tests)
    "camera.demo.too_small": ("{camera}：画面尺寸 {width}x{height} 太小",
                              "{camera}: frame size {width}x{height} is too small"),
    "camera.demo.needs_matplotlib": ("{camera}：内置画面需要 matplotlib 的示例图片；请改用 demo:FOLDER"
                                     "（FOLDER 为一个图片文件夹）",
                                     "{camera}: the built-in scene needs matplotlib's sample "
                                     "image; use demo:FOLDER instead"),
    "camera.demo.no_scene": ("{camera}：无法生成内置画面（人像分割：{why}）",
                             "{camera}: cannot build the built-in scene (segmentation: {why})"),
    "camera.demo.cannot_read": ("{camera}：无法读取 {file}（{why}）",
                                "{camera}: cannot read {file} ({why})"),
    "camera.demo.no_images": ("{camera}：文件夹 {folder} 中没有图片（{extensions}）",
                              "{camera}: no images ({extensions}) in {folder}"),
    "camera.demo.not_media": ("{camera}：{file} 既不是图片，也不是视频文件",
                              "{camera}: {file} is neither an image nor a video file"),
    "camera.demo.no_path": ("{camera}：没有这个文件或文件夹：{path}",
                            "{camera}: no such file or folder: {path}"),
    "camera.demo.bad_fps": ("{camera}：帧率（fps）必须大于 0，收到的是 {value}",
                            "{camera}: fps must be positive, got {value}"),
    "camera.demo.bad_hold": ("{camera}：每张图片的停留时间（hold）不能少于 0 秒，收到的是 {value}",
                             "{camera}: hold must be 0 or more seconds, got {value}"),
    "camera.demo.fps_not_number": ("{camera}：帧率必须是数字，收到的是“{value}”",
                                   "{camera}: fps must be a number, got {value!r}"),
    "camera.demo.fps_range": ("{camera}：帧率必须在 0 到 240 之间，收到的是 {value}",
                              "{camera}: fps must be between 0 and 240, got {value}"),
    "camera.demo.injected_reconnect": ("{camera}：模拟的重新连接失败（故障演练）",
                                       "{camera}: injected reconnect failure"),
    "camera.demo.injected_disconnect": ("{camera}：模拟的断开连接（故障演练）",
                                        "{camera}: injected disconnect"),
    "camera.demo.injected_still": ("{camera}：模拟的拍照失败（故障演练）", "{camera}: injected still failure"),
    # DSLRs through libgphoto2: what the camera was doing, and what went wrong
    "camera.action.open": ("打开相机", "opening the camera"),
    "camera.action.live_view": ("读取实时取景", "reading live view"),
    "camera.action.capture": ("拍照", "capturing"),
    "camera.action.download": ("下载照片", "downloading the picture"),
    "camera.action.wait_picture": ("等待照片", "waiting for the picture"),
    "camera.action.read_settings": ("读取设置", "reading the settings"),
    "camera.action.read_setting": ("读取“{setting}”", "reading {setting}"),
    "camera.action.set_setting": ("更改“{setting}”", "setting {setting}"),
    "camera.setting.iso": ("ISO 感光度", "ISO"),
    "camera.setting.aperture": ("光圈", "Aperture"),
    "camera.setting.shutter_speed": ("快门速度", "Shutter speed"),
    "camera.setting.white_balance": ("白平衡", "White balance"),
    "camera.setting.image_format": ("图像格式", "Image format"),
    "camera.setting.capture_target": ("照片存储位置", "Capture target"),
    "camera.gphoto2.unavailable": ("本机不能使用 gphoto2（python-gphoto2 只能在 Linux 和 macOS 上运行）",
                                   "gphoto2 is not available on this system (python-gphoto2 runs "
                                   "on Linux and macOS)"),
    "camera.gphoto2.not_found": ("未找到 gphoto2 相机：请用 USB 连接相机、打开电源（PTP/PC 模式）后重试",
                                 "gphoto2: no gphoto2 camera found: connect it by USB, switch it "
                                 "on (PTP/PC mode) and try again"),
    "camera.gphoto2.not_at_port": ("端口 {port} 上没有 gphoto2 相机（找到的相机：{found}）",
                                   "gphoto2: no camera at {port} (found: {found})"),
    "camera.gphoto2.usb_claim": ("{camera}：无法取得 USB 设备的控制权：另一个程序正占用着相机，通常是桌面的自动挂载程序"
                                 "（gvfs-gphoto2-volume-monitor）。请在文件管理器中卸载（弹出）相机，"
                                 "或运行“pkill -f gvfs-gphoto2-volume-monitor”，然后重试",
                                 "{camera}: Could not claim the USB device: another program holds "
                                 "the camera, usually the desktop's automounter "
                                 "(gvfs-gphoto2-volume-monitor). Unmount the camera in the file "
                                 "manager, or run 'pkill -f gvfs-gphoto2-volume-monitor', then try "
                                 "again"),
    "camera.gphoto2.disconnected": ("{camera}：相机断开了连接（正在{action}；{why}）",
                                    "{camera}: camera disconnected while {action} ({why})"),
    "camera.gphoto2.busy": ("{camera}：相机一直忙（正在{action}），请重试",
                            "{camera}: the camera stayed busy while {action}; try again"),
    "camera.gphoto2.not_supported": ("{camera}：此相机不支持{action}",
                                     "{camera}: {action} is not supported by this camera"),
    "camera.gphoto2.model": ("{camera}：libgphoto2 不支持此相机型号",
                             "{camera}: camera model not supported by libgphoto2"),
    "camera.gphoto2.failed": ("{camera}：{action}失败（{why}）", "{camera}: {action} failed ({why})"),
    "camera.gphoto2.bad_preview": ("{camera}：实时取景的画面无法读取（{why}）",
                                   "{camera}: unreadable live-view frame ({why})"),
    "camera.gphoto2.raw_only": ("{camera}：相机保存的是 {file}，不是 JPEG；请在相机上把图像格式（画质）设为 JPEG",
                                "{camera}: the camera saved {file}, not a JPEG; set the image "
                                "format (quality) to JPEG"),
    "camera.gphoto2.not_jpeg": ("{camera}：相机传来的 {file} 不是 JPEG 文件",
                                "{camera}: {file} from the camera is not a JPEG file"),
    "camera.gphoto2.no_such_setting": ("{camera}：此相机没有“{setting}”设置",
                                       "{camera}: this camera has no {setting} setting"),
    "camera.gphoto2.read_only": ("{camera}：此相机的“{setting}”是只读的，不能更改",
                                 "{camera}: {setting} is read-only on this camera"),
    "camera.gphoto2.bad_choice": ("{camera}：“{setting}”不能设为“{value}”（可选：{choices}）",
                                  "{camera}: {setting} cannot be {value!r} (choices: {choices})"),
    "camera.gphoto2.needs_number": ("{camera}：“{setting}”需要填数字",
                                    "{camera}: {setting} needs a number"),
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


def os_reason(e: OSError, en: str | None = None) -> Msg:
    """Why an operating-system call failed, in both languages: the system's English text (or
    ``en``) and a Chinese one for the common cases (the system's text where there is none)."""
    en = en or e.strerror or str(e)
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


def text(key: str, lang: str | None = None, /, **values: object) -> str:
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


def columns(value: str) -> int:
    """The terminal columns ``value`` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def pad(value: str, width: int) -> str:
    """``value`` left-aligned in ``width`` terminal columns (a Chinese character takes two), so
    the columns of a table line up in both languages."""
    return value + " " * max(0, width - columns(value))
