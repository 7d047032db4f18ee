"""Command line: `python -m bot <command> ...`."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "run": ("bot.cli.run", "Start the bot with long polling."),
    "roster": ("bot.cli.roster", "Import a roster file: roster import FILE."),
    "demo": ("bot.demo.cli", "Run the emulator, the bot and a scripted story."),
    "emulator": ("bot.emulator.cli", "Serve the local Bot API emulator with its web page."),
    "post": ("bot.cli.post", "Make a scheduled post on demand."),
    "backup": ("bot.cli.backup", "Copy the database consistently while the bot runs."),
    "privacy": ("bot.cli.privacy", "Export or erase a resident's personal data."),
}


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the sub-command's module `main(argv)`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"} or args[0] not in COMMANDS:
        print("usage: python -m bot <command> [options]\n\ncommands:")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:<10} {text}")
        return 0 if args and args[0] in {"-h", "--help", "help"} else 2
    module = importlib.import_module(COMMANDS[args[0]][0])
    return int(module.main(args[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
