"""HTML inside record fields, as feeds carry it (`content:encoded`, `content_html`, a
`description` with `<p>`s): read as text paragraphs; the HTML itself is kept in `extra`."""

from __future__ import annotations

import re

# A field is HTML when it starts with a tag and holds a closing or line-break tag: a plain
# text that mentions "<p>" in passing is left alone.
_STARTS_WITH_TAG = re.compile(r"^\s*<(?:[a-z][a-z0-9]*|!--)[^>]*>", re.IGNORECASE)
_CLOSING_TAG = re.compile(r"</(?:p|div|span|a|em|strong|b|i|li|ul|ol|h[1-6]|blockquote|figure)>|<br\s*/?>",
                          re.IGNORECASE)  # fmt: skip
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
           "figcaption", "ul", "ol", "table", "tr", "section", "article", "pre")  # fmt: skip
_DROP = ("script", "style", "noscript", "template")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def looks_like_html(text: str) -> bool:
    return bool(_STARTS_WITH_TAG.match(text)) and bool(_CLOSING_TAG.search(text))


def html_to_text(html: str) -> str:
    """The text of an HTML fragment: one paragraph per block, separated by blank lines."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html
    for element in list(root.iter(*_DROP)):
        element.drop_tree()
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(root.text_content()))
    return "\n\n".join(p for p in paragraphs if p)
