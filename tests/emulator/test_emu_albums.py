"""sendMediaGroup in the emulator behaves as Telegram's: 2-10 photos as one album (each a message with
one media_group_id, all returned), by file_id or upload; a single item as a plain message; refusals
with Telegram's texts, storing nothing."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import InputMediaDocument, InputMediaPhoto
from telegram.error import BadRequest

from bot.emulator import Emulator
from bot.emulator.actors import _jpeg
from tests.emulator.conftest import TOKEN


def _user_photos(emu: Emulator, n: int) -> tuple[object, list[str]]:
    user = emu.user()
    emu.send(user, user, "/start")
    return user, [emu.send_photo(user, user, caption=f"p{i}")["photo"][-1]["file_id"] for i in range(n)]


async def test_an_album_of_photos_by_file_id_and_upload_is_one_media_group(emu: Emulator, tg) -> None:
    user, ids = _user_photos(emu, 2)
    media = [
        InputMediaPhoto(ids[0], caption="<b>赵强</b> 10:05 走访", parse_mode="HTML"),
        InputMediaPhoto(ids[1]),
        InputMediaPhoto(_jpeg((10, 200, 30)), caption="upload"),
    ]
    sent = await tg.send_media_group(user.id, media)
    assert len(sent) == 3 and len({m.media_group_id for m in sent}) == 1 and sent[0].media_group_id
    assert [m.caption for m in sent] == ["赵强 10:05 走访", None, "upload"]
    assert sent[0].caption_entities[0].type == "bold"
    assert sent[0].photo[-1].file_id == ids[0], "a photo re-sent by file_id keeps its file"
    mine = [m for m in emu.inbox(user) if m.get("media_group_id")]
    assert [m["message_id"] for m in mine] == [m.message_id for m in sent]


async def test_a_single_item_goes_out_as_a_plain_photo(emu: Emulator, tg) -> None:
    user, ids = _user_photos(emu, 1)
    sent = await tg.send_media_group(user.id, [InputMediaPhoto(ids[0], caption="one")])
    assert len(sent) == 1 and sent[0].media_group_id is None and sent[0].caption == "one"


@pytest.mark.parametrize(
    "count, error",
    [(11, "Too many messages to send as an album"), (0, "There are no messages to send")],
)
async def test_too_many_or_none_is_refused_and_nothing_is_sent(emu: Emulator, url: str, count, error) -> None:
    user, ids = _user_photos(emu, 1)
    before = len(emu.inbox(user))
    media = [{"type": "photo", "media": ids[0]}] * count
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{url}/bot{TOKEN}/sendMediaGroup", json={"chat_id": user.id, "media": media}
        ) as r:
            body = await r.json()
    assert r.status == 400 and body["description"].lower() == f"bad request: {error}".lower()
    assert len(emu.inbox(user)) == before


async def test_a_bad_item_refuses_the_whole_album(emu: Emulator, tg) -> None:
    user, ids = _user_photos(emu, 1)
    before = len(emu.inbox(user))
    with pytest.raises(BadRequest, match="caption is too long"):
        await tg.send_media_group(
            user.id, [InputMediaPhoto(ids[0]), InputMediaPhoto(ids[0], caption="x" * 1025)]
        )
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await tg.send_media_group(user.id, [InputMediaPhoto(ids[0]), InputMediaPhoto("nonsense")])
    with pytest.raises(BadRequest, match="(?i)document can't be mixed with other media types"):
        await tg.send_media_group(user.id, [InputMediaPhoto(ids[0]), InputMediaDocument(b"doc")])
    assert len(emu.inbox(user)) == before, "a refused album sends nothing"


async def test_the_deliverers_album_row_arrives_through_the_json_transport(emu: Emulator, url: str) -> None:
    """bot.delivery_media over bot.transport's short JSON path (what the running bot uses)."""
    from telegram import Bot

    from bot import transport
    from bot.delivery_media import album_item, send_media
    from bot.transport import AiohttpRequest

    user, ids = _user_photos(emu, 2)
    row = {
        "extra": {
            "media": [album_item(ids[0], "<b>赵强</b> · 10:05\n走访"), album_item(ids[1], "<b>赵强</b>")]
        }
    }
    async with Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(2)) as bot:
        first = await send_media(lambda m, **p: transport.call(bot, m, p), user.id, "album", row, None)
    album = [m for m in emu.inbox(user) if m.get("media_group_id")]
    assert [m["message_id"] for m in album][0] == first and len(album) == 2
    assert [m["caption"] for m in album] == ["赵强 · 10:05\n走访", "赵强"]
