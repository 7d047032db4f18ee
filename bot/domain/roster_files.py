"""Reading a roster file: CSV (Chinese or English headers) or TOML, into raw rows with line numbers."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from typing import Any, Iterator

from bot.domain.roster_rows import FIELDS, ONLY, Errors, Raw, alias

HEADERS = {
    "类型": "kind",
    "编号": "code",
    "名称": "name",
    "姓名": "name",
    "上级": "parent",
    "层级": "level",
    "角色": "roles",
    "role": "roles",
    "电报id": "telegram_id",
    "电报_id": "telegram_id",
    "telegram": "telegram_id",
    "电话": "phone",
    "语言": "locale",
    "notes": "note",
    "comment": "note",
    "备注": "note",
    "说明": "note",
}
KINDS = {"网格": "grid", "人员": "person"}
ROLE_SPLIT = re.compile(r"[;；,，\s]+")


def csv_raws(text: str, errors: Errors) -> list[Raw]:
    """The rows of a CSV roster (a header row first; blank and # lines skipped)."""
    header: dict[int, str] | None = None
    raws: list[Raw] = []
    for line, cells in _csv_records(text, errors):
        if header is None:
            if (header := _csv_header(cells, line, errors)) is None:
                return []
        elif raw := _csv_raw(cells, header, line, errors):
            raws.append(raw)
    return raws


def _csv_records(text: str, errors: Errors) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        line = reader.line_num + 1
        try:
            cells = [cell.strip() for cell in next(reader)]
        except StopIteration:
            return
        except csv.Error as exc:
            return errors.add(line, f"CSV format error: {exc}", f"CSV 格式错误：{exc}")
        if any(cells) and not cells[0].startswith("#"):
            yield line, cells


def _csv_header(cells: list[str], line: int, errors: Errors) -> dict[int, str] | None:
    header: dict[int, str] = {}
    for idx, cell in enumerate(cells):
        name = alias(cell, HEADERS)
        if cell and name not in FIELDS:
            errors.add(line, f"unknown column {cell!r}", f"未知的列 {cell!r}")
        elif cell and name in header.values():
            errors.add(line, f"column {cell!r} appears twice", f"列 {cell!r} 重复出现")
        header[idx] = name if name in FIELDS and name not in header.values() else "note"
    missing = [f for f in ("kind", "code", "name") if f not in header.values()]
    if missing:
        errors.add(
            line, f"header row lacks column(s): {', '.join(missing)}", f"表头缺少列：{', '.join(missing)}"
        )
        return None
    return header


def _csv_raw(cells: list[str], header: dict[int, str], line: int, errors: Errors) -> Raw | None:
    for idx, cell in enumerate(cells[len(header) :], len(header)):
        if cell:
            errors.add(
                line,
                f"value {cell!r} in column {idx + 1} has no header (quote values that contain commas)",
                f"第 {idx + 1} 列的值 {cell!r} 没有表头（含逗号的值请加引号）",
            )
    fields = {name: cells[i] if i < len(cells) else "" for i, name in header.items()}
    kind = alias(fields["kind"], KINDS)
    if kind not in ONLY:
        errors.add(
            line,
            f"unknown kind {fields['kind']!r}: use grid or person",
            f"未知类型 {fields['kind']!r}：请填写 网格/grid 或 人员/person",
        )
        return None
    return Raw(kind, line, fields, [t for t in ROLE_SPLIT.split(fields.pop("roles", "")) if t])


def toml_raws(text: str, errors: Errors) -> list[Raw]:
    """The [[grids]] and [[people]] tables of a TOML roster, with their line numbers."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        errors.add(int(found.group(1)) if found else 0, f"TOML syntax error: {exc}", f"TOML 语法错误：{exc}")
        return []
    for key in sorted(data.keys() - {"grids", "people"}):
        errors.add(
            _key_line(text, key),
            f"unknown top-level key {key!r}: use [[grids]] and [[people]]",
            f"未知的顶层键 {key!r}：请使用 [[grids]] 和 [[people]]",
        )
    grids = _toml_tables(text, "grids", "grid", data.get("grids", []), errors)
    return grids + _toml_tables(text, "people", "person", data.get("people", []), errors)


def _key_line(text: str, key: str) -> int:
    found = re.search(rf"^[ \t]*(\[+[ \t]*)?[\"']?{re.escape(key)}\b", text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _toml_tables(text: str, key: str, kind: str, entries: Any, errors: Errors) -> list[Raw]:
    if not isinstance(entries, list):
        errors.add(
            _key_line(text, key), f"{key} must be written as [[{key}]] tables", f"{key} 必须写成 [[{key}]] 表"
        )
        return []
    heads = re.finditer(rf"^[ \t]*\[\[[ \t]*{key}[ \t]*\]\]", text, re.M)
    lines = [text.count("\n", 0, m.start()) + 1 for m in heads]
    raws = []
    for n, entry in enumerate(entries):
        line = lines[n] if n < len(lines) else _key_line(text, key)
        if isinstance(entry, dict):
            raws.append(_toml_raw(kind, entry, line, errors))
        else:
            errors.add(line, f"entry {n + 1} of {key} is not a table", f"{key} 的第 {n + 1} 项不是表")
    return raws


def _toml_raw(kind: str, entry: dict[str, Any], line: int, errors: Errors) -> Raw:
    raw = Raw(kind, line, {})
    for key, value in entry.items():
        if key not in FIELDS or key == "kind":
            errors.add(line, f"unknown key {key!r}", f"未知的键 {key!r}")
        elif key == "roles":
            raw.roles = _toml_roles(value, line, errors)
        elif key == "telegram_id" and type(value) is int or isinstance(value, str):
            raw.fields[key] = str(value)
        else:
            want = (
                ("an integer", "整数")
                if key == "telegram_id"
                else ("a string (in quotes)", "字符串（加引号）")
            )
            errors.add(line, f"{key} must be {want[0]}, not {type(value).__name__}", f"{key} 必须是{want[1]}")
            if key in ("code", "name"):  # keep identity so one type error does not cascade
                raw.fields[key] = str(value)
    return raw


def _toml_roles(value: Any, line: int, errors: Errors) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [token for v in value for token in ROLE_SPLIT.split(v) if token]
    errors.add(
        line,
        'roles must be a list of strings, e.g. ["worker@GN-1"]',
        '角色必须是字符串列表，如 ["worker@GN-1"]',
    )
    return []
