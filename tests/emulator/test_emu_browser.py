"""The emulator's web page in headless Chromium: create a user, send a message, see it."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest

from bot.emulator import Emulator, serve

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OPTIONS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run")


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
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 10)
    driver.get(url + "/")
    wait.until(ec.text_to_be_present_in_element((By.ID, "bot-name"), "@grid_bot"))
    driver.find_element(By.ID, "new-user-name").send_keys("Mei")
    driver.find_element(By.ID, "new-user-btn").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "act-as"), "Mei"))
    wait.until(ec.text_to_be_present_in_element((By.ID, "chat-title"), "Private: Mei"))
    driver.find_element(By.ID, "text").send_keys("/start")
    driver.find_element(By.ID, "send").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "messages"), "/start"))
    wait.until(ec.text_to_be_present_in_element((By.ID, "messages"), "Welcome, Mei"))
    driver.find_element(By.CSS_SELECTOR, "button.inline-button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "messages"), "Thanks!"))


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
    mei = next(u for u in emu.users.values() if u.first_name == "Mei")
    assert [m["plain_text"] for m in emu.inbox(mei)] == ["/start", "Thanks!"]


async def _welcome_bot(emu: Emulator) -> None:
    """Answer /start with a button; a press edits the message."""
    offset = 0
    while True:
        _, body = await emu.call("getUpdates", {"offset": offset, "timeout": 5})
        for update in body["result"]:
            offset = update["update_id"] + 1
            if "message" in update:
                chat = update["message"]["chat"]
                await emu.call("sendMessage", {
                    "chat_id": chat["id"], "text": f"Welcome, {chat['first_name']}",
                    "reply_markup": {"inline_keyboard": [[{"text": "Thanks", "callback_data": "t"}]]}})
            elif "callback_query" in update:
                query = update["callback_query"]
                await emu.call("answerCallbackQuery", {"callback_query_id": query["id"]})
                await emu.call("editMessageText", {"chat_id": query["message"]["chat"]["id"],
                                                   "message_id": query["message"]["message_id"],
                                                   "text": "Thanks!"})
