"""The string table: complete in both languages, and malformed tables refused with file and line."""
from __future__ import annotations

import pytest

from bot.commands import COMMANDS
from bot.errors import I18nError
from bot.i18n import lang_from_telegram, load_strings, strings


@pytest.mark.parametrize("code, lang", [("zh-hans", "zh"), ("zh-TW", "zh"), ("en-US", "en"), ("de", "en"), (None, "en")])
def test_lang_from_telegram(code, lang):
    assert lang_from_telegram(code) == lang


def test_every_command_has_a_menu_text_in_both_languages():
    table = strings()
    for spec in COMMANDS:
        assert table.has(spec.description_key), spec.name
        for lang in ("zh", "en"):
            text = table.get(spec.description_key, lang)
            assert 3 <= len(text) <= 256  # Bot API limits for a command description


@pytest.mark.parametrize("body, message", [
    ("a:\n  zh: 你好\n", "missing language(s) en"),
    ("a:\n  zh: 你好\n  en: hi\n  fr: salut\n", "unknown language(s) fr"),
    ("a:\n  zh: '{x}'\n  en: '{y}'\n", "different placeholders"),
    ("a:\n  zh: ''\n  en: hi\n", "zh must be non-empty"),
    ("a:\n  zh: '{lang}'\n  en: '{lang}'\n", "clash with t()"),
    ("a: [1, 2]\n", "expected {zh: ..., en: ...}"),
    ("a:\n  zh: x\n  en: y\na:\n  zh: x\n  en: y\n", "duplicate key"),
    ("a:\n  zh: [x\n", "YAML syntax error"),
])
def test_malformed_tables_name_file_and_line(tmp_path, body, message):
    path = tmp_path / "bot.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(I18nError) as caught:
        load_strings(path)
    assert str(path) in str(caught.value) and message in str(caught.value)
    if "YAML" not in message:
        assert f"{path}:" in str(caught.value)
