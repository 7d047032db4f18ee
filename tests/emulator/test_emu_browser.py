"""The emulator's web page in headless Chromium: create a user, send a message, see it."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest

from bot.emulator import Emulator, serve

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OPTIONS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _driver():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")) or not os.path.exists(CHROMEDRIVER):
        pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for option in OPTIONS:
        options.add_argument(option)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _story(driver, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 30)
    text_in = ec.text_to_be_present_in_element
    driver.get(url + "/")
    wait.until(text_in((By.ID, "bot-name"), "@grid_bot"))
    assert driver.find_element(By.CSS_SELECTOR, "[data-i18n=act_as]").text == "以此身份操作"  # Chinese first
    # act as anybody: a roster person's Telegram id and name
    driver.find_element(By.ID, "new-user-id").send_keys("9003")
    driver.find_element(By.ID, "new-user-name").send_keys("王芳")
    driver.find_element(By.ID, "new-user-btn").click()
    wait.until(text_in((By.ID, "act-as"), "王芳 (9003)"))
    wait.until(text_in((By.ID, "chat-title"), "私聊: 王芳"))
    driver.find_element(By.ID, "text").send_keys("/start")
    driver.find_element(By.ID, "send").click()
    wait.until(text_in((By.ID, "messages"), "欢迎，王芳"))
    wait.until(
        lambda d: d.execute_script(  # the bot's photo is shown as an image, not "[photo]"
            "const i = document.querySelector('img.photo'); return i && i.complete && i.naturalWidth > 0;"
        )
    )
    # a press shows the bot's toast
    driver.find_element(By.CSS_SELECTOR, "button.inline-button").click()
    wait.until(ec.visibility_of_element_located((By.ID, "toast")))
    assert driver.find_element(By.ID, "toast").text == "已收到"
    # the bot's ForceReply prompt opens a reply to it; the answer goes out as a reply
    wait.until(text_in((By.ID, "messages"), "请回复此消息说明原因"))
    wait.until(ec.visibility_of_element_located((By.ID, "reply-bar")))
    driver.find_element(By.ID, "text").send_keys("因为下雨")
    driver.find_element(By.ID, "send").click()
    wait.until(text_in((By.ID, "messages"), "收到回复：因为下雨"))
    # an alert needs an OK
    driver.find_elements(By.CSS_SELECTOR, "button.inline-button")[-1].click()
    wait.until(ec.visibility_of_element_located((By.ID, "alert-box")))
    assert driver.find_element(By.ID, "alert-text").text == "这是提醒"
    driver.find_element(By.ID, "alert-ok").click()
    # and in English
    Select(driver.find_element(By.ID, "page-lang")).select_by_value("en")
    wait.until(text_in((By.CSS_SELECTOR, "[data-i18n=act_as]"), "Act as"))
    wait.until(text_in((By.ID, "chat-title"), "Private: 王芳"))


@pytest.mark.browser
async def test_web_page_story() -> None:
    driver = _driver()
    emu = Emulator()
    try:
        async with serve(emu) as url:
            bot = asyncio.create_task(_welcome_bot(emu))
            try:
                await asyncio.to_thread(_story, driver, url)
            finally:
                bot.cancel()
    finally:
        driver.quit()
    assert 9003 in emu.users and emu.users[9003].first_name == "王芳"
    answer = next(m for m in emu.inbox(9003) if m.get("text") == "因为下雨")
    assert answer["reply_to_message"]["text"] == "请回复此消息说明原因"
    assert emu.inbox(9003)[-1]["text"] == "收到回复：因为下雨"


async def _welcome_bot(emu: Emulator) -> None:
    """/start: a welcome with buttons and a photo; a press: a toast and a ForceReply prompt."""
    offset = 0
    while True:
        _, body = await emu.call("getUpdates", {"offset": offset, "timeout": 5})
        for update in body["result"]:
            offset = update["update_id"] + 1
            if "message" in update:
                await _on_message(emu, update["message"])
            elif "callback_query" in update:
                query = update["callback_query"]
                alert = query["data"] == "alert"
                await emu.call(
                    "answerCallbackQuery",
                    {
                        "callback_query_id": query["id"],
                        "show_alert": alert,
                        "text": "这是提醒" if alert else "已收到",
                    },
                )
                if not alert:
                    await emu.call(
                        "sendMessage",
                        {
                            "chat_id": query["message"]["chat"]["id"],
                            "text": "请回复此消息说明原因",
                            "reply_markup": {"force_reply": True},
                        },
                    )


async def _on_message(emu: Emulator, message: dict) -> None:
    chat = message["chat"]["id"]
    if message.get("reply_to_message"):
        await emu.call("sendMessage", {"chat_id": chat, "text": f"收到回复：{message['text']}"})
        return
    await emu.call(
        "sendPhoto", {"chat_id": chat, "photo": "https://example.org/site.jpg", "caption": "现场照片"}
    )
    await emu.call(
        "sendMessage",
        {
            "chat_id": chat,
            "text": f"欢迎，{message['chat']['first_name']}",
            "reply_markup": {
                "inline_keyboard": [
                    [{"text": "好的", "callback_data": "ok"}, {"text": "提醒我", "callback_data": "alert"}]
                ]
            },
        },
    )
