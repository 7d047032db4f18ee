"""Parse and validate a roster file (grid tree and people, as CSV or TOML) into plain dataclasses."""

from __future__ import annotations

import re
from pathlib import Path

from bot.domain.roster_files import csv_raws, toml_raws
from bot.domain.roster_rows import (  # noqa: F401 (the records stay importable from here)
    LEVELS,
    LOCALES,
    MAX_CODE,
    ONLY,
    ROLES,
    Errors,
    GridRow,
    PersonRow,
    Raw,
    RoleRow,
    Roster,
    RosterError,
    RosterInvalid,
    alias,
)

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
_BAD_CODE = re.compile(r"[\s@＠,，;；]")
_PHONE = re.compile(r"[0-9 +\-]*[0-9][0-9 +\-]*")


def parse_roster(text: str, filename: str) -> Roster:
    """Parse roster text as CSV or TOML (by the filename's extension); raise RosterInvalid with all errors."""
    errors, text = Errors(), text.removeprefix("\ufeff")
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
    raws = csv_raws(text, errors) if suffix == ".csv" else toml_raws(text, errors)
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


def _build(raws: list[Raw], errors: Errors) -> Roster:
    if not raws and not errors:
        errors.add(0, "the file defines no grids and no people", "文件中没有任何网格或人员")
    grids = [g for r in raws if r.kind == "grid" and (g := _grid(r, errors))]
    people = [p for r in raws if r.kind == "person" and (p := _person(r, errors))]
    _check_grids(grids, errors)
    _check_people(people, {g.code for g in grids}, errors)
    return Roster(tuple(grids), tuple(people))


def _common(raw: Raw, errors: Errors) -> tuple[str, str] | None:
    other = "person" if raw.kind == "grid" else "grid"
    for key in ONLY[other]:
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


def _grid(raw: Raw, errors: Errors) -> GridRow | None:
    if (base := _common(raw, errors)) is None:
        return None
    given = raw.get("level")
    level = alias(given, _LEVELS)
    if level not in LEVELS:
        errors.add(
            raw.line,
            f"unknown level {given!r}: use one of {', '.join(LEVELS)}",
            f"未知层级 {given!r}：请填写 社区、大网格、小网格 或 网格",
        )
    return GridRow(base[0], base[1], raw.get("parent") or None, level, raw.line)


def _person(raw: Raw, errors: Errors) -> PersonRow | None:
    if (base := _common(raw, errors)) is None:
        return None
    roles = tuple(dict.fromkeys(r for token in raw.roles if (r := _role(token, raw.line, errors))))
    return PersonRow(
        base[0], base[1], roles, _telegram(raw, errors), _phone(raw, errors), _locale(raw, errors), raw.line
    )


def _role(token: str, line: int, errors: Errors) -> RoleRow | None:
    name, sep, grid = token.replace("＠", "@").partition("@")
    role = alias(name, _ROLES)
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


def _telegram(raw: Raw, errors: Errors) -> int | None:
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


def _phone(raw: Raw, errors: Errors) -> str | None:
    value = raw.get("phone")
    if value and not _PHONE.fullmatch(value):
        errors.add(
            raw.line,
            f"phone {value!r} may contain only digits, spaces, + and -",
            f"电话 {value!r} 只能包含数字、空格、+ 和 -",
        )
    return value or None


def _locale(raw: Raw, errors: Errors) -> str | None:
    value = raw.get("locale").lower()
    if value and value not in LOCALES:
        errors.add(raw.line, f"locale {value!r} must be zh or en", f"语言 {value!r} 只能是 zh 或 en")
    return value or None


def _first_lines(
    rows: list[GridRow] | list[PersonRow], what: tuple[str, str], errors: Errors
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


def _check_grids(grids: list[GridRow], errors: Errors) -> None:
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


def _check_cycles(grids: list[GridRow], first: dict[str, int], errors: Errors) -> None:
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


def _check_people(people: list[PersonRow], grids: set[str], errors: Errors) -> None:
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
