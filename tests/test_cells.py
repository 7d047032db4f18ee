"""Delimited output a spreadsheet cannot run: formula-like cells are shown as text."""

from __future__ import annotations

import pytest

from bot.cli import roster as roster_cli
from bot.domain.cells import delimited_row, safe_cell


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "' x"),
        ("\r=1", "' =1"),
        ("  =1", "'  =1"),
        ("＝1", "'＝1"),
        ("张伟", "张伟"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
        ("a\tb\nc", "a b c"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_delimited_row_cannot_be_split_by_a_cell():
    assert delimited_row(["p1", "=1+1", "a\tb"]) == "p1\t'=1+1\ta b"
    assert delimited_row(["x,y", "-3"], sep=",") == "x y,'-3"


def test_roster_import_prints_formula_names_as_text(tmp_path, capsys):
    roster = tmp_path / "r.csv"
    roster.write_text(
        "kind,code,name,parent,level,roles,telegram_id,phone,locale\n"
        "grid,GN,工农社区,,community,,,,\n"
        'person,p001,"=HYPERLINK(""http://evil"",""x"")",,,admin@GN,,,zh\n'
        "person,p002,@cmd,,,admin@GN,,,zh\n",
        encoding="utf-8",
    )
    config = tmp_path / "c.toml"
    config.write_text(
        f'[telegram]\nusername = "grid_bot"\n[storage]\ndatabase = "{(tmp_path / "b.sqlite3").as_posix()}"\n',
        encoding="utf-8",
    )
    assert roster_cli.main(["import", str(roster), "--config", str(config)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "start=inv_" in line]
    assert len(lines) == 2
    for line in lines:
        cells = line.strip().split("\t")
        assert len(cells) == 3 and not cells[1].startswith(("=", "@", "+", "-"))
    assert any(line.split("\t")[1].startswith("'=HYPERLINK") for line in lines)
