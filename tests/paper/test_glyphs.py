"""Characters the Noto CJK fonts lack print from a font that has them (Hanazono for rare names of CJK
Extension B, Symbola for emoji), on paper and on the social card; the preflight names any no font has."""
from __future__ import annotations

import pdfplumber
from PIL import ImageChops

from helpers import run_build, write
from xiaokan.web.glyphs import undrawable

LANGUAGE = "en"
NO_FONT = "\U000f0000"   # (a private-use character: no font draws it)
RARE = "姓名用字𠀀和𪚥，还有表情😀👍。"


def test_rare_characters_print_from_a_fallback_font_and_the_preflight_names_the_rest(mini):
    write(mini, "content/2024-07/05-rare.md",
          f"---\n标题: 生僻字𠀀与表情😀\n栏目: 评建动态\n---\n{RARE}\n\n无字可印：{NO_FONT}。\n")
    result = run_build(mini, "pdf")
    assert result.code == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "no installed font has" in line]
    assert "content/2024-07/05-rare.md:7: warning: no installed font has 「\U000f0000」(U+F0000)" in warning
    with pdfplumber.open(mini / "print/xiaokan-2024-07.pdf") as pdf:
        fonts = {char["text"]: char["fontname"] for page in pdf.pages for char in page.chars}
    assert "HanaMin" in fonts["𠀀"] and "HanaMin" in fonts["𪚥"]   # a glyph, not an empty box
    assert "Symbola" in fonts["😀"] and "Symbola" in fonts["👍"]
    strict = run_build(mini, "pdf", "--strict")
    assert strict.code == 1 and "U+F0000" in strict.stderr   # nothing goes to the print shop with a box in it


def test_the_social_card_draws_rare_characters_from_a_fallback_font(mini):
    from xiaokan.web.cards import Card, _draw

    def card(title, name):
        path = mini / f"{name}.jpg"
        _draw(Card(path.name, "测试简报", "测试职业大学", title, "「评建动态」 · 2024年第2期"), None, path)
        from PIL import Image
        return Image.open(path).convert("L")

    boxes = card(f"生僻字{NO_FONT}{NO_FONT}与表情{NO_FONT}", "boxes")   # (Noto's empty box, as before)
    drawn = card("生僻字𠀀𪚥与表情😀", "drawn")
    assert ImageChops.difference(boxes, drawn).getbbox() is not None


def test_only_what_is_drawn_needs_a_glyph():
    # joiners, variation selectors and spaces are never drawn: ❤️ and 👨‍🏫 need only their pictures
    assert undrawable(["❤️ 👨\u200d🏫\u2060　中文 abc"], ("Noto Sans CJK SC",)) == []
    assert undrawable([f"正文{NO_FONT}"], ("Noto Sans CJK SC",)) == [NO_FONT]
