"""Command line: `python -m bot [--lang zh|en] [--version] <command> ...`."""

from __future__ import annotations

import importlib
import sys
from importlib import metadata

from bot.cli import lang

COMMANDS = {
    "run": "bot.cli.run",
    "roster": "bot.cli.roster",
    "demo": "bot.demo.cli",
    "emulator": "bot.emulator.cli",
    "post": "bot.cli.post",
    "backup": "bot.cli.backup",
    "privacy": "bot.cli.privacy",
    "export": "bot.cli.export",
    "open311": "bot.cli.open311",
    "health": "bot.cli.health",
}


def version() -> str:
    """The installed package's version (pyproject.toml)."""
    try:
        return metadata.version("gridbot")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def usage() -> str:
    """The list of commands in the operator's language."""
    lines = [lang.say("usage"), "", lang.say("commands")]
    lines += [f"  {name:<10} {lang.say('cli_' + name)}" for name in COMMANDS]
    lines += ["", f"  --lang     {lang.say('opt_lang')}", f"  --version  {lang.say('opt_version')}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the sub-command's module `main(argv)`."""
    args = lang.choose(list(sys.argv[1:] if argv is None else argv))
    if args[:1] in (["--version"], ["-V"]):
        print(lang.say("version", version=version()))
        return 0
    if not args or args[0] in {"-h", "--help", "help"} or args[0] not in COMMANDS:
        print(usage(), file=sys.stdout if args[:1] and args[0] in {"-h", "--help", "help"} else sys.stderr)
        return 0 if args and args[0] in {"-h", "--help", "help"} else 2
    module = importlib.import_module(COMMANDS[args[0]])
    return int(module.main(args[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
