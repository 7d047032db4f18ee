"""Every locale has every template and label, and user text is escaped for HTML."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from bot import i18n
from bot.domain.tickets import Kind, Ticket
from bot.services.views import ticket_view
from tests.harness import Harness

ROOT = Path(i18n.templates_dir())


def _names(locale: str, pattern: str) -> set[str]:
    return {p.name for p in (ROOT / locale).glob(pattern)}


def test_every_locale_has_every_template():
    for loc in i18n.LOCALES:
        assert _names(loc, "*.j2") == _names(i18n.DEFAULT, "*.j2"), loc


def test_every_locale_has_every_label():
    for loc in i18n.LOCALES:
        assert set(i18n.labels(loc)) == set(i18n.labels(i18n.DEFAULT)), loc


def test_every_refusal_reason_in_code_has_a_label():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT.parent).rglob("*.py"))
    reasons = set(re.findall(r'Refused\("(\w+)"\)', code))
    assert reasons, "the scan found no refusals"
    missing = {r for r in reasons if f"refused_{r}" not in i18n.labels(i18n.DEFAULT)}
    assert not missing


def test_html_looking_text_is_shown_as_text(tmp_path):
    cfg = Harness(tmp_path).config
    from bot.services.context import Ctx

    ctx = Ctx(db=None, config=cfg)
    t = Ticket(7, Kind.WISH, "other", "G", 1, "<b>hi</b> & <script>", datetime.now(timezone.utc))
    for loc in i18n.LOCALES:
        html = i18n.render(loc, "card", assignee=None, **ticket_view(ctx, t, loc))
        assert "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;" in html
