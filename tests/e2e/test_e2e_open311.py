"""Open311 served by the running bot (`[open311] port`): a city platform reads requests and one
request over HTTP and finds no personal data; a public category's text is shown, others' not."""

from __future__ import annotations

import re

import aiohttp
import pytest

pytestmark = pytest.mark.e2e

COMPLAINT = "楼下邻居王某家狗天天叫"
PUBLIC = "小区东门路灯坏了"
KEY = "city-platform-key"


@pytest.mark.bot_config({"open311.port": 0, "open311.public_categories": ["repair"], "open311.api_key": KEY})
async def test_city_platform_reads_requests_without_personal_data(grid):
    w, emu = grid, grid.emu
    emu.send(w.resident, w.group, f"/complain 环境卫生 {COMPLAINT}")
    await w.wait(w.group, contains="#1")
    emu.send(w.neighbour, w.group, f"/complain 设施维修 {PUBLIC}")
    await w.wait(w.group, contains="#2")
    found = await w.until(
        lambda: re.search(r"Open311 interface on (http://[\d.]+:\d+/open311/v2)/", w.bot.stderr())
    )
    base = found[1]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/requests.json") as resp:
            assert resp.status == 403  # the key is required
        async with http.get(f"{base}/requests.json", params={"api_key": KEY}) as resp:
            assert resp.status == 200 and resp.content_type == "application/json"
            listing, raw = await resp.json(), await resp.text()
        async with http.get(f"{base}/requests/2.json", params={"api_key": KEY}) as resp:
            one, raw_one = await resp.json(), await resp.text()
    by_id = {r["service_request_id"]: r for r in listing}
    assert set(by_id) == {"1", "2"}
    assert by_id["1"]["description"] is None and by_id["1"]["service_code"] == "sanitation"
    assert by_id["2"]["description"] == PUBLIC and by_id["2"]["status"] == "open"
    assert one == [by_id["2"]] and one[0]["agency_responsible"] == "幸福小区网格"
    for text in (raw, raw_one):
        for personal in (COMPLAINT, "陈阿姨", "周先生", str(w.resident.id), str(w.neighbour.id)):
            assert personal not in text, personal
