"""What people type in the demo, per language; everything the bot says comes from its own templates."""

from __future__ import annotations

# What people type, per language; everything the bot says comes from its own templates.
WORDS = {
    "zh": {
        "group": "群", "private": "私聊", "edited": "已编辑", "deleted": "已删除", "photo": "图片",
        "complaint": "/complain 环境卫生 楼道垃圾三天没人清运", "note": "已联系保洁清运完毕",
        "wish": "/wish 帮楼上独居老人买菜",
        "public": "/complain 设施维修 3号楼前的路灯坏了一个星期", "not_ours": "路灯归市政管养，已转报12345热线，请留意回访",
        "steps": {
            "start": "{who} 私聊机器人，发送 /start（工作人员先开通私聊，机器人才能给他们发消息）",
            "add": "{who} 把机器人拉进群「{group}」", "bind": "{who} 在群里发送 /bind GN-1-1",
            "complain": "{who} 在群里发送：{text}", "accept": "{who} 点击“接单”",
            "close": "{who} 点击“办结”", "note": "{who} 回复办理结果：{text}",
            "open": "{who} 点群卡片上的“私下查看”，在私聊中打开自己的事项",
            "yes": "{who} 在私聊中点击“已解决”", "rate": "{who} 打 5 星",
            "wish": "{who} 在群里发送：{text}", "claim": "{who} 在群卡片上点击“我来认领”",
            "tally": "每周红旗榜：机器人在群里发布本周统计",
            "public": "{who} 在群里发送：{text}", "me_too": "{who} 在群卡片上点击“我也遇到”",
            "return": "{who} 点击“退单”", "reason": "{who} 选择退单原因“属职能部门职责”",
            "not_ours": "{who} 点击“非本辖区事项”", "explain": "{who} 回复说明：{text}",
        },
        "done": "演示完成，用时 {s:.1f} 秒。", "failed": "演示失败：{step}——{why}",
    },
    "en": {
        "group": "group", "private": "private", "edited": "edited", "deleted": "deleted", "photo": "photo",
        "complaint": "/complain sanitation The rubbish in stairwell 3 has not been collected for three days",
        "note": "Called the cleaners; the stairwell is clear", "wish": "/wish Buy groceries for the old lady upstairs",
        "public": "/complain repair The street light in front of block 3 has been out for a week",
        "not_ours": "Street lights are the city's: reported to the 12345 hotline, expect their call",
        "steps": {
            "start": "{who} opens a private chat with the bot: /start (staff do this first, so the bot may write to them)",
            "add": "{who} adds the bot to the group “{group}”", "bind": "{who} sends /bind GN-1-1 in the group",
            "complain": "{who} writes in the group: {text}", "accept": "{who} presses Accept",
            "close": "{who} presses Close", "note": "{who} replies with the result: {text}",
            "open": "{who} taps “View privately” on the group card: the bot opens her ticket in a private chat",
            "yes": "{who} presses Resolved in the private chat", "rate": "{who} gives 5 stars",
            "wish": "{who} writes in the group: {text}", "claim": "{who} presses “I'll help” on the group card",
            "tally": "Weekly red-flag tally: the bot posts the week's numbers in the group",
            "public": "{who} writes in the group: {text}", "me_too": "{who} presses “Me too” on the group card",
            "return": "{who} presses Return", "reason": "{who} picks the reason “An agency's job”",
            "not_ours": "{who} presses “Not ours”", "explain": "{who} replies with the explanation: {text}",
        },
        "done": "Demo finished in {s:.1f} s.", "failed": "Demo failed: {step} — {why}",
    },
}
