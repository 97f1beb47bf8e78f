"""Visible text of markup: HTML pages (with their metadata) and Markdown.

Pure functions from decoded text to text; no file I/O.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "aside", "footer", "form",
              "button", "select", "svg", "iframe", "object", "canvas", "head"}  # fmt: skip
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "blockquote", "figure",
               "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th",
               "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "address", "details",
               "summary", "caption", "body", "html"}  # fmt: skip
_PARA, _LINE = "\ue000", "\ue001"  # private-use placeholders for paragraph/line breaks


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._read_meta(dict(attrs))
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip.append(tag)
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARA)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS and self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS:
            if tag in self._skip:  # close up to the matching open tag (tolerates bad nesting)
                while self._skip and self._skip.pop() != tag:
                    pass
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARA)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.meta["title"] = (self.meta.get("title", "") + data).strip()
        elif not self._skip:
            self.parts.append(data)

    def _read_meta(self, attrs: dict[str, str | None]) -> None:
        name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        value = (attrs.get("content") or "").strip()
        if not value:
            return
        if name in {"article:published_time", "date", "pubdate", "datepublished", "dc.date"}:
            self.meta.setdefault("date", value)
        elif name in {"og:site_name", "publisher", "application-name"}:
            self.meta.setdefault("source", value)
        elif name in {"og:title", "twitter:title"}:
            self.meta.setdefault("title", value)


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Visible text of an HTML page (blocks become blank-line paragraphs) and its metadata.

    >>> html_to_text("<p>A &amp; B</p><script>x()</script><p>C<br>D</p>")[0]
    'A & B\\n\\nC\\nD'
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = re.sub(r"\s+", " ", "".join(parser.parts))
    text = re.sub(rf" ?{_LINE} ?", "\n", text)
    blocks = (b.strip() for b in re.split(rf"\s*{_PARA}[\s{_PARA}]*", text))
    return "\n\n".join(b for b in blocks if b), parser.meta


_MD_RULES = (
    (
        re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M),
        r"\1",
    ),  # ATX heading markers
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), ""),  # images
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # blockquote markers
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
)


def markdown_to_text(md: str) -> str:
    r"""Strip Markdown markup that is not text (heading marks, links, images, emphasis).

    >>> markdown_to_text("# Title\n\nSee [the report](http://x) **now**.")
    'Title\n\nSee the report now.'
    """
    for pattern, repl in _MD_RULES:
        md = pattern.sub(repl, md)
    return md
