"""Open311 GeoReport v2 over HTTP (aiohttp test server on the bot's store): discovery, services,
requests with filters and paging, one request, errors, the API key, and no personal data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain import open311 as dom
from bot.web.open311 import make_app
from tests.test_posts import RESIDENT, RESIDENT2, SECRET, _story

MARCH = {"start_date": "2025-03-01T00:00:00+08:00", "end_date": "2025-03-31T00:00:00+08:00"}
BASE = "/open311/v2"


async def _client(bot, **settings) -> TestClient:
    s = replace(bot.config.open311, public_categories=("repair",), **settings)
    bot.ctx.config = replace(bot.ctx.config, open311=s)
    client = TestClient(TestServer(make_app(bot.ctx)))
    await client.start_server()
    return client


async def _get(client: TestClient, path: str, **query) -> tuple[int, object, str]:
    resp = await client.get(BASE + path, params=query)
    text = await resp.text()
    return resp.status, json.loads(text), text


def _no_personal_data(text: str) -> None:
    for secret in (SECRET, "Resident", str(RESIDENT), str(RESIDENT2), "resident_id", "latitude", "photo"):
        assert secret not in text, secret


async def test_requests_filters_paging_and_no_personal_data(bot):
    await _story(bot)
    client = await _client(bot)
    try:
        status, body, text = await _get(client, "/requests.json", **MARCH)
        assert status == 200
        ids = [r["service_request_id"] for r in body]
        assert sorted(ids) == ["1", "2", "3", "4", "5"]  # 6 and 7 were in February
        one = next(r for r in body if r["service_request_id"] == "1")
        assert (
            one["status"] == "closed"
            and one["service_code"] == "sanitation"
            and one["service_name"] == "环境卫生"
        )
        assert one["description"] is None and one["status_notes"] == "已办结"  # sanitation is not public
        assert (
            one["requested_datetime"] == "2025-03-04T10:00:00+08:00"
            and one["agency_responsible"] == "幸福小区网格"
        )
        assert one["address"] == "工农社区 第一大网格 幸福小区网格" and one["lat"] is None
        five = next(r for r in body if r["service_request_id"] == "5")
        assert five["status"] == "open" and five["expected_datetime"] is not None
        _no_personal_data(text)
        _, closed, _ = await _get(client, "/requests.json", status="closed", **MARCH)
        assert sorted(r["service_request_id"] for r in closed) == ["1", "2", "3", "4"]
        _, opened, _ = await _get(client, "/requests.json", status="open", **MARCH)
        assert [r["service_request_id"] for r in opened] == ["5"]
        _, coded, _ = await _get(client, "/requests.json", service_code="sanitation", **MARCH)
        assert [r["service_request_id"] for r in coded] == ["1"]
        pages = [
            await _get(client, "/requests.json", page=str(n), page_size="2", **MARCH) for n in (1, 2, 3, 4)
        ]
        assert [len(p[1]) for p in pages] == [2, 2, 1, 0]
        assert sorted(r["service_request_id"] for p in pages for r in p[1]) == sorted(ids)
    finally:
        await client.close()


async def test_one_request_public_text_only_for_public_categories(bot):
    await _story(bot)
    async with bot.ctx.db.write() as conn:  # make #5 (路面塌陷) a repair: a public category
        await conn.execute("UPDATE tickets SET category = 'repair' WHERE id = 5")
    client = await _client(bot)
    try:
        status, body, text = await _get(client, "/requests/5.json")
        assert status == 200 and len(body) == 1
        assert body[0]["description"] == "路面塌陷" and body[0]["service_name"] == "设施维修"
        assert body[0]["agency_responsible"] == "和平里网格" and body[0]["status"] == "open"
        status, body, text = await _get(client, "/requests/1.json")
        assert body[0]["description"] is None
        _no_personal_data(text)
        status, body, _ = await _get(client, "/requests/999.json")
        assert status == 404 and body[0]["code"] == 404
        status, body, _ = await _get(client, "/requests/abc.json")
        assert status == 404
    finally:
        await client.close()


async def test_discovery_services_and_errors(bot):
    client = await _client(bot, contact="社区办公室")
    try:
        status, body, _ = await _get(client, "/discovery.json")
        assert status == 200 and body["contact"] == "社区办公室"
        assert body["endpoints"][0]["specification"] == dom.SPEC and body["endpoints"][0]["url"].endswith(
            BASE
        )
        _, services, _ = await _get(client, "/services.json")
        codes = {s["service_code"]: s for s in services}
        assert (
            set(codes) >= {"sanitation", "repair", "safety"} and codes["repair"]["service_name"] == "设施维修"
        )
        assert codes["repair"]["type"] == "realtime" and codes["repair"]["metadata"] is False
        for query, words in [
            ({"status": "pending"}, "status"),
            ({"start_date": "yesterday"}, "ISO 8601"),
            ({"start_date": "2025-03-01T00:00:00"}, "time zone"),
            ({"service_code": "nope"}, "unknown service_code"),
            ({"page_size": "5000"}, "page_size"),
            ({"page": "0"}, "page"),
            ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, "90 days"),
        ]:
            status, body, _ = await _get(client, "/requests.json", **query)
            assert status == 400 and words in body[0]["description"], query
    finally:
        await client.close()


async def test_api_key_required_when_configured(bot):
    client = await _client(bot, api_key="s3cret")
    try:
        assert (await _get(client, "/discovery.json"))[0] == 200
        status, body, _ = await _get(client, "/services.json")
        assert status == 403 and body[0]["code"] == 403
        assert (await _get(client, "/requests.json", api_key="wrong"))[0] == 403
        assert (await _get(client, "/requests.json", api_key="s3cret"))[0] == 200
    finally:
        await client.close()


def test_default_window_is_the_last_90_days():
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    f = dom.parse_filters({}, {"repair"}, now)
    assert (f.end, f.end - f.start, f.page, f.page_size) == (now, dom.MAX_SPAN, 1, dom.DEFAULT_PAGE_SIZE)
    f = dom.parse_filters({"status": "open,closed", "service_request_id": "3,4"}, set(), now)
    assert set(f.statuses) == {"open", "accepted", "closed", "done", "merged"} and f.ids == (3, 4)
    with pytest.raises(dom.BadQuery):
        dom.parse_filters({"service_request_id": "1;DROP"}, set(), now)


def test_config_section():
    from bot import config as config_mod

    cfg = config_mod.from_dict(
        {"open311": {"port": 8311, "public_categories": ["repair"], "api_key": "k"}}, need_token=False
    )
    assert (cfg.open311.port, cfg.open311.public_categories, cfg.open311.api_key) == (8311, ("repair",), "k")
    assert config_mod.from_dict({}, need_token=False).open311.port is None  # not served unless asked
    with pytest.raises(config_mod.ConfigError) as bad:
        config_mod.from_dict({"open311": {"public_categories": ["repairs"]}}, need_token=False)
    assert "open311.public_categories" in str(bad.value) and "repair" in str(bad.value)
    with pytest.raises(config_mod.ConfigError):
        config_mod.from_dict({"open311": {"port": 70000}}, need_token=False)
    with pytest.raises(config_mod.ConfigError):
        config_mod.from_dict({"open311": {"prot": 1}}, need_token=False)


def test_a_merged_request_is_closed_with_its_status_note():
    names = dom.Names(
        {"repair": "设施维修"},
        {"G": "网格"},
        {"G": "社区 网格"},
        {"merged": "已合并", "open": "待接单"},
        frozenset({"repair"}),
    )
    merged = dom.Public(7, "complaint", "repair", "G", "merged", 0.0, 60.0, 3600.0, "路灯坏了", None)
    out = dom.request_json(merged, names, timezone.utc)
    assert (out["status"], out["status_notes"], out["expected_datetime"]) == ("closed", "已合并", None)
    assert out["description"] == "路灯坏了" and out["requested_datetime"] == "1970-01-01T00:00:00+00:00"
