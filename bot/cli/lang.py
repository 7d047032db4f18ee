"""The operator's language for command-line output: `--lang`, else the configuration's bot.locale.

Texts are labels `ops_*` in bot/templates/<locale>/labels_ops.toml; argparse's own words (usage,
options, errors) are looked up there too.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from bot import i18n
from bot.config_reader import ConfigError

_ARGPARSE = {
    "usage: ": "ap_usage",
    "options": "ap_options",
    "positional arguments": "ap_positional",
    "show this help message and exit": "ap_help",
    "the following arguments are required: %s": "ap_required",
    "unrecognized arguments: %s": "ap_unrecognized",
    "%(prog)s: error: %(message)s\n": "ap_error",
    "invalid choice: %(value)r (choose from %(choices)s)": "ap_invalid_choice",
    "argument %(argument_name)s: %(message)s": "ap_argument",
    "expected one argument": "ap_expected_one",
    "not allowed with argument %s": "ap_not_allowed",
}
_current = {"locale": i18n.DEFAULT}


def current() -> str:
    """The operator's locale now in force."""
    return _current["locale"]


def use(locale: str) -> None:
    """Speak `locale` to the operator from now on (argparse included)."""
    _current["locale"] = i18n.pick(locale)
    argparse._ = _translate  # type: ignore[attr-defined]  # argparse looks `_` up at call time


def _translate(text: str) -> str:
    key = _ARGPARSE.get(text)
    return i18n.labels(current()).get(f"ops_{key}", text) if key else text


def _config_locale(argv: list[str]) -> str | None:
    """`bot.locale` from the --config file named in argv (or ./config.toml), if it can be read."""
    path = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--config"), None)
    path = path or next((a.split("=", 1)[1] for a in argv if a.startswith("--config=")), "config.toml")
    try:
        value = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("bot", {}).get("locale")
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return value if value in i18n.LOCALES else None


def choose(argv: list[str]) -> list[str]:
    """Take `--lang X` given before the command out of argv and set the operator's locale (else the
    config's, else zh). After the command `--lang` belongs to it (e.g. the ledger export's language)."""
    args, lang, i = list(argv), None, 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "--lang" and i + 1 < len(args):
            lang = args.pop(i + 1)
            args.pop(i)
        elif args[i].startswith("--lang="):
            lang = args.pop(i).split("=", 1)[1]
        else:
            i += 1
    use(lang if lang in i18n.LOCALES else _config_locale(args) or i18n.DEFAULT)
    return args


def say(key: str, /, **params: Any) -> str:
    """The operator text `ops_<key>` in the operator's language."""
    return i18n.label(current(), f"ops_{key}", **params)


def load_config(path: str | None) -> Any:
    """The configuration at `path` (no token needed), or None once the operator was told why not."""
    from bot import config as config_mod  # here, so that reading --lang never loads the whole config

    try:
        return config_mod.load(path, need_token=False)
    except ConfigError as exc:
        print(config_error(exc), file=sys.stderr)
        return None


def config_error(exc: ConfigError) -> str:
    """A configuration error as the operator reads it."""
    return say("cfg_header", message=exc.text(current()))
