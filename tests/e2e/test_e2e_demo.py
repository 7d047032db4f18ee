"""Smoke test of `python -m bot demo`: the emulator, the real bot and the scripted story."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


async def _demo(*args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    except (asyncio.TimeoutError, TimeoutError):
        proc.kill()
        await proc.wait()
        raise AssertionError("the demo did not finish within 60 s") from None
    return proc.returncode, out.decode(), err.decode()


async def test_demo_tells_the_story_in_chinese():
    code, out, err = await _demo()
    assert code == 0, f"exit {code}\n{out}\n{err}"
    for line in (
        "▶ 王芳 在群里发送 /bind GN-1-1",
        "  [群 幸福小区网格群]",
        "    [📝 私下提交]",
        "  [私聊 赵强]",
        "    [✅ 接单] [↩️ 退单]",
        "    [🙋 我也遇到 (1)]",
        "    原因：属职能部门职责",
        "  [群 幸福小区网格群] (已编辑)",
        "    [👍 已解决] [👎 未解决]",
        "    [🙋 我来认领]",
        "    [0.5 小时] [1 小时] [2 小时] [其他时长…]",
        "    ⏱ 1 小时服务时长已计入您的时间银行。",
        "    ⏱ 时间银行：余额 1 小时",
    ):
        assert line in out.splitlines(), line
    assert "楼道垃圾三天没人清运" in out and "演示完成" in out
    group_lines = out.split("▶ 陈阿姨 在群里发送")[1].split("▶ 赵强 点击")[0]
    bodies = [line for line in group_lines.splitlines() if line.startswith("    ")]
    assert sum("楼道垃圾" in line for line in bodies) == 1, "the complaint's text only reaches the worker"


async def test_demo_in_english():
    code, out, err = await _demo("--lang", "en")
    assert code == 0, f"exit {code}\n{out}\n{err}"
    assert "  [group 幸福小区网格群]" in out.splitlines() and "  [private 赵强]" in out.splitlines()
    assert "[✅ Accept] [↩️ Return]" in out and "[🙋 Me too (1)]" in out and "Demo finished in" in out
    assert "    ⏱ Time bank: 1 h to spend" in out.splitlines()
