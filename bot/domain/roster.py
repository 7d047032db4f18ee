"""Parse and validate a roster file (grid tree and people, as CSV or TOML) into plain dataclasses."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

LEVELS = ("community", "big_grid", "small_grid", "grid")
ROLES = ("admin", "big_leader", "small_leader", "worker", "volunteer", "liaison")
LOCALES = ("zh", "en")
MAX_CODE = 32

_FIELDS = ("kind", "code", "name", "parent", "level", "roles", "telegram_id", "phone", "locale", "note")
_ONLY = {"grid": ("parent", "level"), "person": ("roles", "telegram_id", "phone", "locale")}
_HEADERS = {
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
_KINDS = {"网格": "grid", "人员": "person"}
_LEVELS = {"社区": "community", "大网格": "big_grid", "小网格": "small_grid", "网格": "grid"}
_ROLES = {
    "社区管理员": "admin",
    "网格长": "big_leader",
    "大网格长": "big_leader",
    "党小组长": "small_leader",
    "小组长": "small_leader",
    "网格员": "worker",
    "志愿者": "volunteer",
    "联络员": "liaison",
}
_ZH = {"grid": "网格", "person": "人员"}
_ROLE_SPLIT = re.compile(r"[;；,，\s]+")
_BAD_CODE = re.compile(r"[\s@＠,，;；]")
_PHONE = re.compile(r"[0-9 +\-]*[0-9][0-9 +\-]*")


@dataclass(frozen=True)
class GridRow:
    """One grid of the tree; parent is None for a root (a community)."""

    code: str
    name: str
    parent: str | None
    level: str
    line: int


@dataclass(frozen=True)
class RoleRow:
    """One role a person holds on one grid."""

    role: str
    grid: str


@dataclass(frozen=True)
class PersonRow:
    """One person with their roles and optional contact details."""

    code: str
    name: str
    roles: tuple[RoleRow, ...]
    telegram_id: int | None
    phone: str | None
    locale: str | None
    line: int


@dataclass(frozen=True)
class Roster:
    """A validated roster: all grids and all people, in file order."""

    grids: tuple[GridRow, ...]
    people: tuple[PersonRow, ...]


@dataclass(frozen=True)
class RosterError:
    """One problem in the file: line number (0 = whole file), English and Chinese message."""

    line: int
    message: str
    message_zh: str = ""

    def __str__(self) -> str:
        """Render as 'line N: message'."""
        return f"line {self.line}: {self.message}"


class RosterInvalid(Exception):
    """The roster file has errors; nothing should be applied. `errors` is sorted by line."""

    def __init__(self, errors: list[RosterError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__("\n".join(str(e) for e in self.errors))


class _Errors(list[RosterError]):
    def add(self, line: int, en: str, zh: str) -> None:
        self.append(RosterError(line, en, zh))


@dataclass
class _Raw:
    kind: str
    line: int
    fields: dict[str, str]
    roles: list[str] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.fields.get(key, "").strip()


def parse_roster(text: str, filename: str) -> Roster:
    """Parse roster text as CSV or TOML (by the filename's extension); raise RosterInvalid with all errors."""
    errors, text = _Errors(), text.removeprefix("\ufeff")
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".toml"):
        raise RosterInvalid(
            [
                RosterError(
                    0,
                    f"unsupported file type {suffix or filename!r}: use .csv or .toml",
                    f"不支持的文件类型 {suffix or filename}：请使用 .csv 或 .toml",
                )
            ]
        )
    raws = _csv_raws(text, errors) if suffix == ".csv" else _toml_raws(text, errors)
    roster = _build(raws, errors)
    if errors:
        raise RosterInvalid(errors)
    return roster


def load_roster(path: str | Path) -> Roster:
    """Read a roster file (UTF-8, BOM allowed) and parse it; raise RosterInvalid on any problem."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise RosterInvalid(
            [
                RosterError(
                    0,
                    f"{path} is not UTF-8: save it as 'CSV UTF-8' in Excel/WPS",
                    f"{path} 不是 UTF-8 编码：请在 Excel/WPS 中另存为“CSV UTF-8”",
                )
            ]
        ) from None
    except OSError as exc:
        raise RosterInvalid(
            [
                RosterError(
                    0, f"cannot read {path}: {exc.strerror or exc}", f"无法读取 {path}：{exc.strerror or exc}"
                )
            ]
        ) from None
    return parse_roster(text, str(path))


def _alias(value: str, aliases: dict[str, str]) -> str:
    key = re.sub(r"[\s\-]+", "_", value.strip().lower())
    return aliases.get(key, key)


def _csv_raws(text: str, errors: _Errors) -> list[_Raw]:
    header: dict[int, str] | None = None
    raws: list[_Raw] = []
    for line, cells in _csv_records(text, errors):
        if header is None:
            if (header := _csv_header(cells, line, errors)) is None:
                return []
        elif raw := _csv_raw(cells, header, line, errors):
            raws.append(raw)
    return raws


def _csv_records(text: str, errors: _Errors) -> Iterator[tuple[int, list[str]]]:
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


def _csv_header(cells: list[str], line: int, errors: _Errors) -> dict[int, str] | None:
    header: dict[int, str] = {}
    for idx, cell in enumerate(cells):
        name = _alias(cell, _HEADERS)
        if cell and name not in _FIELDS:
            errors.add(line, f"unknown column {cell!r}", f"未知的列 {cell!r}")
        elif cell and name in header.values():
            errors.add(line, f"column {cell!r} appears twice", f"列 {cell!r} 重复出现")
        header[idx] = name if name in _FIELDS and name not in header.values() else "note"
    missing = [f for f in ("kind", "code", "name") if f not in header.values()]
    if missing:
        errors.add(
            line, f"header row lacks column(s): {', '.join(missing)}", f"表头缺少列：{', '.join(missing)}"
        )
        return None
    return header


def _csv_raw(cells: list[str], header: dict[int, str], line: int, errors: _Errors) -> _Raw | None:
    for idx, cell in enumerate(cells[len(header) :], len(header)):
        if cell:
            errors.add(
                line,
                f"value {cell!r} in column {idx + 1} has no header (quote values that contain commas)",
                f"第 {idx + 1} 列的值 {cell!r} 没有表头（含逗号的值请加引号）",
            )
    fields = {name: cells[i] if i < len(cells) else "" for i, name in header.items()}
    kind = _alias(fields["kind"], _KINDS)
    if kind not in _ONLY:
        errors.add(
            line,
            f"unknown kind {fields['kind']!r}: use grid or person",
            f"未知类型 {fields['kind']!r}：请填写 网格/grid 或 人员/person",
        )
        return None
    return _Raw(kind, line, fields, [t for t in _ROLE_SPLIT.split(fields.pop("roles", "")) if t])


def _toml_raws(text: str, errors: _Errors) -> list[_Raw]:
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


def _toml_tables(text: str, key: str, kind: str, entries: Any, errors: _Errors) -> list[_Raw]:
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


def _toml_raw(kind: str, entry: dict[str, Any], line: int, errors: _Errors) -> _Raw:
    raw = _Raw(kind, line, {})
    for key, value in entry.items():
        if key not in _FIELDS or key == "kind":
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


def _toml_roles(value: Any, line: int, errors: _Errors) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [token for v in value for token in _ROLE_SPLIT.split(v) if token]
    errors.add(
        line,
        'roles must be a list of strings, e.g. ["worker@GN-1"]',
        '角色必须是字符串列表，如 ["worker@GN-1"]',
    )
    return []


def _build(raws: list[_Raw], errors: _Errors) -> Roster:
    if not raws and not errors:
        errors.add(0, "the file defines no grids and no people", "文件中没有任何网格或人员")
    grids = [g for r in raws if r.kind == "grid" and (g := _grid(r, errors))]
    people = [p for r in raws if r.kind == "person" and (p := _person(r, errors))]
    _check_grids(grids, errors)
    _check_people(people, {g.code for g in grids}, errors)
    return Roster(tuple(grids), tuple(people))


def _common(raw: _Raw, errors: _Errors) -> tuple[str, str] | None:
    other = "person" if raw.kind == "grid" else "grid"
    for key in _ONLY[other]:
        if raw.get(key) or (key == "roles" and raw.roles):
            errors.add(raw.line, f"{key} is only used for {other} rows", f"{key} 只用于{_ZH[other]}行")
    code, name = raw.get("code"), raw.get("name")
    if not name:
        errors.add(raw.line, f"{raw.kind} has no name", f"{_ZH[raw.kind]}缺少名称")
    if not code:
        errors.add(raw.line, f"{raw.kind} has no code", f"{_ZH[raw.kind]}缺少编号")
        return None
    if len(code) > MAX_CODE or _BAD_CODE.search(code):
        errors.add(
            raw.line,
            f"code {code!r} must be at most {MAX_CODE} characters without spaces, @ , ;",
            f"编号 {code!r} 不能超过 {MAX_CODE} 个字符，且不能含空格、@、逗号、分号",
        )
    return code, name


def _grid(raw: _Raw, errors: _Errors) -> GridRow | None:
    if (base := _common(raw, errors)) is None:
        return None
    given = raw.get("level")
    level = _alias(given, _LEVELS)
    if level not in LEVELS:
        errors.add(
            raw.line,
            f"unknown level {given!r}: use one of {', '.join(LEVELS)}",
            f"未知层级 {given!r}：请填写 社区、大网格、小网格 或 网格",
        )
    return GridRow(base[0], base[1], raw.get("parent") or None, level, raw.line)


def _person(raw: _Raw, errors: _Errors) -> PersonRow | None:
    if (base := _common(raw, errors)) is None:
        return None
    roles = tuple(dict.fromkeys(r for token in raw.roles if (r := _role(token, raw.line, errors))))
    return PersonRow(
        base[0], base[1], roles, _telegram(raw, errors), _phone(raw, errors), _locale(raw, errors), raw.line
    )


def _role(token: str, line: int, errors: _Errors) -> RoleRow | None:
    name, sep, grid = token.replace("＠", "@").partition("@")
    role = _alias(name, _ROLES)
    if not sep or not grid.strip():
        errors.add(
            line,
            f"role {token!r} must be written role@gridcode, e.g. worker@GN-1",
            f"角色 {token!r} 应写成 角色@网格编号，如 网格员@GN-1",
        )
    elif role not in ROLES:
        errors.add(
            line,
            f"unknown role {name!r}: use one of {', '.join(ROLES)}",
            f"未知角色 {name!r}：可用 {'、'.join(_ROLES)}",
        )
    else:
        return RoleRow(role, grid.strip())
    return None


def _telegram(raw: _Raw, errors: _Errors) -> int | None:
    value = raw.get("telegram_id")
    if re.fullmatch(r"[0-9]{1,20}(\.0+)?", value) and int(value.split(".")[0]) > 0:
        return int(value.split(".")[0])
    if value:
        sci = "e+" in value.lower()
        errors.add(
            raw.line,
            f"telegram_id {value!r} is not a positive integer"
            + (
                " (the spreadsheet shows it in scientific notation; format the column as text)" if sci else ""
            ),
            f"电报ID {value!r} 不是正整数"
            + ("（表格把它变成了科学计数法，请把该列设为文本）" if sci else ""),
        )
    return None


def _phone(raw: _Raw, errors: _Errors) -> str | None:
    value = raw.get("phone")
    if value and not _PHONE.fullmatch(value):
        errors.add(
            raw.line,
            f"phone {value!r} may contain only digits, spaces, + and -",
            f"电话 {value!r} 只能包含数字、空格、+ 和 -",
        )
    return value or None


def _locale(raw: _Raw, errors: _Errors) -> str | None:
    value = raw.get("locale").lower()
    if value and value not in LOCALES:
        errors.add(raw.line, f"locale {value!r} must be zh or en", f"语言 {value!r} 只能是 zh 或 en")
    return value or None


def _first_lines(
    rows: list[GridRow] | list[PersonRow], what: tuple[str, str], errors: _Errors
) -> dict[str, int]:
    seen: dict[str, int] = {}
    for row in rows:
        if row.code in seen:
            errors.add(
                row.line,
                f"duplicate {what[0]} {row.code!r} (first on line {seen[row.code]})",
                f"{what[1]} {row.code!r} 重复（首次出现在第 {seen[row.code]} 行）",
            )
        else:
            seen[row.code] = row.line
    return seen


def _hint(code: str, known: dict[str, int] | set[str]) -> str:
    match = next((k for k in known if k.lower() == code.lower()), None)
    return f" (did you mean {match!r}?)" if match else ""


def _check_grids(grids: list[GridRow], errors: _Errors) -> None:
    first = _first_lines(grids, ("grid code", "网格编号"), errors)
    for g in grids:
        if g.parent is None and g.level in LEVELS and g.level != "community":
            errors.add(
                g.line,
                f"grid {g.code!r} has no parent, so its level must be community",
                f"网格 {g.code!r} 没有上级，层级必须是社区",
            )
        elif g.parent is not None and g.parent not in first:
            errors.add(
                g.line,
                f"parent {g.parent!r} of grid {g.code!r} is not a grid in this file" + _hint(g.parent, first),
                f"网格 {g.code!r} 的上级 {g.parent!r} 不在本文件中",
            )
    _check_cycles(grids, first, errors)


def _check_cycles(grids: list[GridRow], first: dict[str, int], errors: _Errors) -> None:
    parent = {g.code: g.parent for g in reversed(grids)}  # the first definition wins
    done: set[str] = set()
    for g in grids:
        path: list[str] = []
        code: str | None = g.code
        while code in parent and code not in done and code not in path:
            path.append(code)
            code = parent[code]
        if code in path:
            cycle = path[path.index(code) :]
            start = min(cycle, key=lambda c: first[c])
            loop = " -> ".join(cycle[cycle.index(start) :] + cycle[: cycle.index(start)] + [start])
            errors.add(first[start], f"parent cycle: {loop}", f"上级关系形成循环：{loop}")
        done.update(path)


def _check_people(people: list[PersonRow], grids: set[str], errors: _Errors) -> None:
    _first_lines(people, ("person code", "人员编号"), errors)
    owners: dict[int, PersonRow] = {}
    for p in people:
        for r in p.roles:
            if r.grid not in grids:
                errors.add(
                    p.line,
                    f"role {r.role}@{r.grid}: grid {r.grid!r} is not in this file" + _hint(r.grid, grids),
                    f"角色 {r.role}@{r.grid}：网格 {r.grid!r} 不在本文件中",
                )
        owner = owners.setdefault(p.telegram_id, p) if p.telegram_id is not None else p
        if owner is not p:
            errors.add(
                p.line,
                f"telegram_id {p.telegram_id} is already used by {owner.code!r} (line {owner.line})",
                f"电报ID {p.telegram_id} 已被 {owner.code!r}（第 {owner.line} 行）使用",
            )
