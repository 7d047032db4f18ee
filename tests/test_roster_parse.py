"""Roster parsing and validation (CSV and TOML), pure: no database, no bot."""

from __future__ import annotations

import pytest

from bot.domain.roster import (
    GridRow,
    PersonRow,
    RoleRow,
    Roster,
    RosterError,
    RosterInvalid,
    load_roster,
    parse_roster,
)

HEADER = "kind,code,name,parent,level,roles,telegram_id,phone,locale\n"
GRIDS = (
    "grid,GN,工农社区,,community,,,,\n"
    "grid,GN-1,第一大网格,GN,big_grid,,,,\n"
    "grid,GN-1-1,第一小网格,GN-1,small_grid,,,,\n"
)
SAMPLE_CSV = (
    HEADER
    + GRIDS
    + (
        "person,p001,张伟,,,admin@GN,,13800000001,zh\n"
        "person,p002,李娜,,,big_leader@GN-1,,,\n"
        "person,p003,王芳,,,small_leader@GN-1-1; worker@GN-1-1,,,\n"
        "person,p004,赵强,,,worker@GN-1-1,5550001,,en\n"
        "person,p005,刘洋,,,volunteer@GN-1-1,,,\n"
        "person,p006,陈静,,,liaison@GN,,,\n"
    )
)
SAMPLE_TOML = """\
[[grids]]
code = "GN"
name = "工农社区"
level = "community"

[[grids]]
code = "GN-1"
name = "第一大网格"
parent = "GN"
level = "big_grid"

[[grids]]
code = "GN-1-1"
name = "第一小网格"
parent = "GN-1"
level = "small_grid"

[[people]]
code = "p001"
name = "张伟"
roles = ["admin@GN"]

[[people]]
code = "p003"
name = "王芳"
roles = ["small_leader@GN-1-1", "worker@GN-1-1"]
telegram_id = 5550003
phone = "13800000003"
locale = "zh"
"""


def errors_of(text: str, filename: str = "roster.csv") -> list[RosterError]:
    """Parse text that must be invalid; return its errors."""
    with pytest.raises(RosterInvalid) as info:
        parse_roster(text, filename)
    return info.value.errors


def lines_and_messages(errors: list[RosterError]) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in errors]


# --- valid files -----------------------------------------------------------------------------


def test_sample_csv_parses() -> None:
    roster = parse_roster(SAMPLE_CSV, "roster.csv")
    assert isinstance(roster, Roster)
    assert roster.grids == (
        GridRow("GN", "工农社区", None, "community", 2),
        GridRow("GN-1", "第一大网格", "GN", "big_grid", 3),
        GridRow("GN-1-1", "第一小网格", "GN-1", "small_grid", 4),
    )
    assert [p.code for p in roster.people] == ["p001", "p002", "p003", "p004", "p005", "p006"]
    assert roster.people[0] == PersonRow(
        "p001", "张伟", (RoleRow("admin", "GN"),), None, "13800000001", "zh", 5
    )
    assert roster.people[2].roles == (RoleRow("small_leader", "GN-1-1"), RoleRow("worker", "GN-1-1"))
    assert roster.people[3].telegram_id == 5550001 and roster.people[3].locale == "en"
    assert roster.people[4].phone is None and roster.people[4].locale is None


def test_rows_are_frozen() -> None:
    roster = parse_roster(SAMPLE_CSV, "roster.csv")
    with pytest.raises(AttributeError):
        roster.grids[0].code = "X"  # type: ignore[misc]


def test_chinese_headers_and_values() -> None:
    text = (
        "类型,编号,名称,上级,层级,角色,电报ID,电话,语言\n"
        "网格,GN,工农社区,,社区,,,,\n"
        "网格,GN-1,第一大网格,GN,大网格,,,,\n"
        "网格,GN-1-1,第一小网格,GN-1,小网格,,,,\n"
        "网格,GN-1-1-1,楼栋,GN-1-1,网格,,,,\n"
        "人员,p001,张伟,,,社区管理员@GN；联络员@GN,123,138 0000 0001,zh\n"
        '人员,p002,李娜,,,"网格长@GN-1，党小组长@GN-1-1",,,\n'
        "人员,p003,王芳,,,大网格长@GN-1 小组长@GN-1-1 网格员@GN-1-1 志愿者@GN-1-1-1,,,\n"
    )
    roster = parse_roster(text, "花名册.CSV")
    assert [g.level for g in roster.grids] == ["community", "big_grid", "small_grid", "grid"]
    p1, p2, p3 = roster.people
    assert p1.roles == (RoleRow("admin", "GN"), RoleRow("liaison", "GN"))
    assert p1.telegram_id == 123 and p1.phone == "138 0000 0001"
    assert p2.roles == (RoleRow("big_leader", "GN-1"), RoleRow("small_leader", "GN-1-1"))
    assert [r.role for r in p3.roles] == ["big_leader", "small_leader", "worker", "volunteer"]


def test_name_alias_and_telegram_alias() -> None:
    text = "类型,编号,姓名,层级,角色,telegram,备注\n网格,GN,工农社区,社区,,,总\n人员,p1,张伟,,,42,新来的\n"
    roster = parse_roster(text, "r.csv")
    assert roster.people[0].name == "张伟" and roster.people[0].telegram_id == 42


def test_bom_crlf_blank_lines_comments_and_loose_headers() -> None:
    text = (
        "\ufeff# exported from WPS\r\n"
        "\r\n"
        " Kind , CODE ,Name,Parent,LEVEL,Roles,Telegram ID,Phone,Locale\r\n"
        "grid,GN,工农社区,,Community,,,,\r\n"
        ",,,,,,,,\r\n"
        "# a comment row,with,cells\r\n"
        "person,p1,张伟,,,Worker@GN,5550001.0,+86-138,EN\r\n"
    )
    roster = parse_roster(text, "roster.csv")
    assert roster.grids == (GridRow("GN", "工农社区", None, "community", 4),)
    assert roster.people == (
        PersonRow("p1", "张伟", (RoleRow("worker", "GN"),), 5550001, "+86-138", "en", 7),
    )


def test_load_roster_reads_bom_file(tmp_path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(SAMPLE_CSV.replace("\n", "\r\n").encode("utf-8-sig"))
    roster = load_roster(path)
    assert len(roster.grids) == 3 and len(roster.people) == 6
    assert roster.grids[0].code == "GN"


def test_toml_sample_parses() -> None:
    roster = parse_roster(SAMPLE_TOML, "roster.toml")
    assert roster.grids[0] == GridRow("GN", "工农社区", None, "community", 1)
    assert roster.grids[2] == GridRow("GN-1-1", "第一小网格", "GN-1", "small_grid", 12)
    assert roster.people[1] == PersonRow(
        "p003",
        "王芳",
        (RoleRow("small_leader", "GN-1-1"), RoleRow("worker", "GN-1-1")),
        5550003,
        "13800000003",
        "zh",
        23,
    )
    assert roster.people[0].telegram_id is None and roster.people[0].line == 18


def test_toml_with_bom_via_load(tmp_path) -> None:
    path = tmp_path / "roster.toml"
    path.write_bytes(SAMPLE_TOML.encode("utf-8-sig"))
    assert len(load_roster(path).people) == 2


def test_child_before_parent_is_fine() -> None:
    text = HEADER + (
        "grid,GN-1-1,第一小网格,GN-1,small_grid,,,,\n"
        "person,p1,王芳,,,worker@GN-1-1,,,\n"
        "grid,GN-1,第一大网格,GN,big_grid,,,,\n"
        "grid,GN,工农社区,,community,,,,\n"
    )
    roster = parse_roster(text, "roster.csv")
    assert [g.code for g in roster.grids] == ["GN-1-1", "GN-1", "GN"]


def test_several_communities_are_allowed() -> None:
    text = HEADER + "grid,A,甲社区,,community,,,,\ngrid,B,乙社区,,community,,,,\ngrid,B-1,网格,B,grid,,,,\n"
    assert len(parse_roster(text, "roster.csv").grids) == 3


def test_person_without_roles_is_allowed() -> None:
    roster = parse_roster(HEADER + GRIDS + "person,p9,联络人,,,,,,\n", "roster.csv")
    assert roster.people[0].roles == ()


def test_duplicate_role_is_kept_once() -> None:
    roster = parse_roster(HEADER + GRIDS + "person,p9,某人,,,worker@GN-1;worker@GN-1,,,\n", "roster.csv")
    assert roster.people[0].roles == (RoleRow("worker", "GN-1"),)


# --- CSV errors, each with its line ----------------------------------------------------------

BAD_ROWS = [
    ("thing,x,x,,,,,,", "unknown kind 'thing'"),
    ("grid,,无编号,GN,grid,,,,", "grid has no code"),
    ("grid,GN-9,,GN,grid,,,,", "grid has no name"),
    ("person,,某人,,,,,,", "person has no code"),
    ("person,p9,,,,,,,", "person has no name"),
    ("grid,GN 9,名,GN,grid,,,,", "code 'GN 9' must be at most 32"),
    ("grid," + "G" * 33 + ",名,GN,grid,,,,", "must be at most 32 characters"),
    ("grid,GN-1,重复,GN,big_grid,,,,", "duplicate grid code 'GN-1' (first on line 3)"),
    ("person,p001,重复,,,,,,", "duplicate person code 'p001' (first on line 5)"),
    ("grid,GN-9,名,NOPE,grid,,,,", "parent 'NOPE' of grid 'GN-9' is not a grid in this file"),
    ("grid,GN-9,名,GN,street,,,,", "unknown level 'street'"),
    ("grid,GN-9,名,GN,,,,,", "unknown level ''"),
    ("grid,TOP,名,,big_grid,,,,", "grid 'TOP' has no parent, so its level must be community"),
    ("person,p9,某人,,,boss@GN,,,", "unknown role 'boss'"),
    ("person,p9,某人,,,worker,,,", "role 'worker' must be written role@gridcode"),
    ("person,p9,某人,,,worker@NOPE,,,", "grid 'NOPE' is not in this file"),
    ("person,p9,某人,,,,abc,,", "telegram_id 'abc' is not a positive integer"),
    ("person,p9,某人,,,,0,,", "telegram_id '0' is not a positive integer"),
    ("person,p9,某人,,,,-100123,,", "telegram_id '-100123' is not a positive integer"),
    ("person,p9,某人,,,,5.55E+06,,", "scientific notation"),
    ("person,p9,某人,,,,5550001,,", "telegram_id 5550001 is already used by 'p004' (line 8)"),
    ("person,p9,某人,,,,,138-0000 x1,", "phone '138-0000 x1' may contain only digits"),
    ("person,p9,某人,,,,,,fr", "locale 'fr' must be zh or en"),
    ("person,p9,某人,GN,,,,,", "parent is only used for grid rows"),
    ("grid,GN-9,名,GN,grid,worker@GN,,,", "roles is only used for person rows"),
    ("person,p9,某人,,,,,,,extra", "value 'extra' in column 10 has no header"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_each_csv_error_names_its_line(row: str, message: str) -> None:
    # SAMPLE_CSV has 10 lines; insert a blank line and a comment first so the bad row is on line 13.
    errors = errors_of(SAMPLE_CSV + "\n# note\n" + row + "\n")
    assert len(errors) == 1, errors
    assert errors[0].line == 13
    assert message in errors[0].message
    assert errors[0].message_zh


def test_several_errors_are_reported_together_in_line_order() -> None:
    text = HEADER + (
        "grid,GN,工农社区,,community,,,,\n"
        "person,p1,张伟,,,boss@GN,abc,,fr\n"
        "grid,GN-1,第一大网格,GX,big_grid,,,,\n"
        "grid,GN,重复,,community,,,,\n"
        "alien,x,x,,,,,,\n"
    )
    assert [
        (line, msg.split(":")[0].split(" (")[0]) for line, msg in lines_and_messages(errors_of(text))
    ] == [
        (3, "unknown role 'boss'"),
        (3, "telegram_id 'abc' is not a positive integer"),
        (3, "locale 'fr' must be zh or en"),
        (4, "parent 'GX' of grid 'GN-1' is not a grid in this file"),
        (5, "duplicate grid code 'GN'"),
        (6, "unknown kind 'alien'"),
    ]


def test_error_string_form() -> None:
    with pytest.raises(RosterInvalid) as info:
        parse_roster(HEADER + "grid,GN,名,,street,,,,\n", "roster.csv")
    assert (
        str(info.value) == "line 2: unknown level 'street': use one of community, big_grid, small_grid, grid"
    )


def test_parent_cycle_is_detected_once() -> None:
    text = HEADER + (
        "grid,GN,工农社区,,community,,,,\n"
        "grid,B,乙,C,grid,,,,\n"
        "grid,A,甲,B,grid,,,,\n"
        "grid,C,丙,A,grid,,,,\n"
        "grid,D,丁,A,grid,,,,\n"
        "grid,S,自己,S,grid,,,,\n"
    )
    assert lines_and_messages(errors_of(text)) == [
        (3, "parent cycle: B -> C -> A -> B"),
        (7, "parent cycle: S -> S"),
    ]


def test_wrong_case_grid_code_gets_a_hint() -> None:
    errors = errors_of(HEADER + GRIDS + "person,p9,某人,,,worker@gn-1,,,\n")
    assert errors[0].line == 5 and "did you mean 'GN-1'?" in errors[0].message


def test_header_problems() -> None:
    assert lines_and_messages(errors_of("# c\nkind,code,title\ngrid,GN,x\n")) == [
        (2, "unknown column 'title'"),
        (2, "header row lacks column(s): name"),
    ]
    errors = errors_of("kind,code,name,code,level\ngrid,GN,x,GN,community\n")
    assert lines_and_messages(errors) == [(1, "column 'code' appears twice")]


def test_empty_file() -> None:
    assert errors_of("\ufeff\n\n")[0].line == 0
    assert errors_of("", "roster.toml")[0].line == 0


def test_quoted_multiline_cell_keeps_line_numbers() -> None:
    text = HEADER + 'grid,GN,"工农\n社区",,community,,,,\ngrid,GN-1,第一,GN,bad,,,,\n'
    assert lines_and_messages(errors_of(text))[0][0] == 4


def test_unsupported_extension() -> None:
    assert errors_of("x", "roster.xlsx")[0].line == 0


# --- TOML errors -----------------------------------------------------------------------------


def test_toml_errors_point_at_the_entry_header() -> None:
    text = SAMPLE_TOML + (
        "\n[[grids]]\n"  # line 31
        "code = 7\n"
        'name = "坏"\n'
        'parent = "GN"\n'
        'level = "grid"\n'
        "\n[[people]]\n"  # line 37
        'code = "p9"\n'
        'name = "某人"\n'
        'roles = "worker@GN"\n'
        'telegram_id = "abc"\n'
        "locale = 1\n"
        "color = 'red'\n"
    )
    assert lines_and_messages(errors_of(text, "roster.toml")) == [
        (31, "code must be a string (in quotes), not int"),
        (37, 'roles must be a list of strings, e.g. ["worker@GN-1"]'),
        (37, "locale must be a string (in quotes), not int"),
        (37, "unknown key 'color'"),
        (37, "telegram_id 'abc' is not a positive integer"),
    ]


def test_toml_telegram_id_type_and_cross_checks() -> None:
    text = SAMPLE_TOML.replace("telegram_id = 5550003", "telegram_id = 1.5").replace(
        'roles = ["admin@GN"]', 'roles = ["admin@GX", 3]'
    )
    assert lines_and_messages(errors_of(text, "roster.toml")) == [
        (18, 'roles must be a list of strings, e.g. ["worker@GN-1"]'),
        (23, "telegram_id must be an integer, not float"),
    ]


def test_toml_role_on_unknown_grid_and_cycle() -> None:
    text = SAMPLE_TOML.replace('parent = "GN"\n', 'parent = "GN-1-1"\n').replace('"admin@GN"', '"admin@GX"')
    assert lines_and_messages(errors_of(text, "roster.toml")) == [
        (6, "parent cycle: GN-1 -> GN-1-1 -> GN-1"),
        (18, "role admin@GX: grid 'GX' is not in this file"),
    ]


def test_toml_syntax_error_uses_tomllib_line() -> None:
    errors = errors_of('[[grids]]\ncode = "GN"\nname = \n', "roster.toml")
    assert errors[0].line == 3 and errors[0].message.startswith("TOML syntax error:")


def test_toml_unknown_top_level_and_wrong_shape() -> None:
    text = 'title = "x"\ngrids = "GN"\n[[people]]\ncode = "p1"\nname = "张伟"\n'
    assert lines_and_messages(errors_of(text, "roster.toml")) == [
        (1, "unknown top-level key 'title': use [[grids]] and [[people]]"),
        (2, "grids must be written as [[grids]] tables"),
    ]


# --- load_roster -----------------------------------------------------------------------------


def test_load_missing_file_is_line_zero(tmp_path) -> None:
    with pytest.raises(RosterInvalid) as info:
        load_roster(tmp_path / "nope.csv")
    assert info.value.errors[0].line == 0 and "cannot read" in info.value.errors[0].message


def test_load_non_utf8_file_is_line_zero(tmp_path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes((HEADER + "grid,GN,工农社区,,community,,,,\n").encode("gbk"))
    with pytest.raises(RosterInvalid) as info:
        load_roster(path)
    assert info.value.errors[0].line == 0 and "not UTF-8" in info.value.errors[0].message
