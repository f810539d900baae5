"""Wire services' own formats: IPTC's NITF, NewsML-G2 and NewsML 1 (XML) and ninjs (JSON).

Reuters, AP, AFP, dpa and the syndication platforms deliver stories in these, and analysts who take a
wire save them as they come. Before, a NITF or NewsML-G2 file was refused as "not an RSS or Atom
feed" and a ninjs file as data. Each is read for what the standard says its fields are: the headline,
the byline, the date the story was issued, the provider, the subjects, and the body, whose markup
(`<p>`, `<hl2>`, `<table>`, lists) is HTML's in all but a few names. A NewsML-G2 message holds many
items, each read as its own article; a picture's or a video's item holds no text and is counted.

A story is sent again each time it is corrected or extended ("UPDATE 1"), under the same id: the
story's id (`RawItem.story_id`) is its identity when it has no web address, so the update replaces
the version before rather than standing beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html.entities import name2codepoint
from typing import Any, Literal

from lxml import etree

from assay.readers.feed import xml_root
from assay.readers.html import parse_date
from assay.readers.opening import byline_names
from assay.readers.table import json_value
from assay.sources import SourceError, decode, decoding_notes, source_address, source_suffix
from assay.types import Fetched, RawItem, SourceKind

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_WIRE_ROOTS = frozenset({"nitf", "newsMessage", "newsItem", "NewsML"})
# NITF's body names that HTML spells otherwise; elements with no text of the story are left out.
_HTML_NAMES = {"hl2": "h2", "block": "div", "bq": "blockquote", "credit": "p"}
_LEFT_OUT = frozenset({"media", "note", "fn", "tagline", "byline", "dateline", "distributor"})
# A provider's QCode names it after its scheme ("nprov:REUTERS"): the code is the name.
_QCODE = re.compile(r"^[\w-]+:(?P<code>.+)$")
# A NewsML-G2 item's guid may end with its version (Reuters: "tag:reuters.com,2026:newsml_L4N3X1:2").
_VERSIONED = re.compile(r"^(?P<story>.+):(?P<version>\d+)$")


# NITF's DTD names HTML's characters ("&mdash;", "&nbsp;"), and wire copy uses them. No DTD is read
# (no network, no files) and no entity a document declares is expanded (no file's contents, no
# billion laughs): HTML's are put in as characters before parsing, XML's own five stay, others go.
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9._-]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _html_character(match: re.Match[str]) -> str:
    name = match[1]
    if name in _XML_ENTITIES:
        return match[0]
    return chr(name2codepoint[name]) if name in name2codepoint else ""


def _parsed(text: str, fetched: Fetched) -> etree._Element:
    """The document's root, its elements' names without their namespaces. lxml refuses a string that
    declares its encoding, which `decode` has already used; entities and the network stay closed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    text = _NAMED_ENTITY.sub(_html_character, _XML_DECLARATION.sub("", text, count=1))
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{fetched.source}: malformed XML ({exc}): the file may be cut off; save or download it again") from None
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _first(element: etree._Element, *paths: str) -> str:
    """The text of the first of `paths` that has some."""
    return next((found for path in paths if (found := _text(element.find(path)))), "")


def _attribute(element: etree._Element, path: str, name: str) -> str:
    found = element.find(path)
    return (found.get(name) or "").strip() if found is not None else ""


def _named(element: etree._Element | None) -> str:
    """A NewsML-G2 concept's name: its `<name>`, else its literal, else its QCode's code."""
    if element is None:
        return ""
    if name := _first(element, "name"):
        return name
    if literal := element.get("literal"):
        return literal.strip()
    code = element.get("qcode") or ""
    return match["code"] if (match := _QCODE.match(code)) else code


def _date(*values: str) -> datetime | None:
    """The first value that is a date: ISO 8601, in NITF's basic form too ("20261128T041500+0000")."""
    return next((found for value in values if value and (found := parse_date(value))), None)


def _body_html(container: etree._Element) -> str:
    """A NITF `<body.content>` (or an XHTML `<body>`) as HTML: NITF's names made HTML's, and what
    is no text of the story (media, notes, the tagline) left out."""
    body = etree.Element("div")
    for child in container:
        if isinstance(child.tag, str) and child.tag not in _LEFT_OUT:
            body.append(child)
    for element in list(body.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in _LEFT_OUT and element.getparent() is not None:
            element.getparent().remove(element)
        elif element.tag in _HTML_NAMES:
            element.tag = _HTML_NAMES[element.tag]
    return "".join(etree.tostring(child, encoding="unicode", with_tail=False) for child in body)


def _nitf_item(nitf: etree._Element, fetched: Fetched) -> RawItem:
    docdata = nitf.find("head/docdata")
    docdata = docdata if docdata is not None else etree.Element("docdata")
    head = nitf.find("body/body.head")
    head = head if head is not None else etree.Element("body.head")
    content = nitf.find("body/body.content")
    if content is None or not _text(content):
        raise SourceError(f"{fetched.source}: a NITF story with no text in its <body.content>")
    byline = " ".join(_text(person) for person in head.iterfind("byline/person")) or _first(head, "byline")
    keywords = [key for keyword in docdata.iterfind("key-list/keyword") if (key := (keyword.get("key") or "").strip())]
    subjects = [name for subject in nitf.iterfind("head/tobject/tobject.subject")
                if (name := (subject.get("tobject.subject.matter") or subject.get("tobject.subject.type") or "").strip())]
    source = (_attribute(docdata, "doc.copyright", "holder") or _first(head, "distributor")
              or _attribute(nitf, "head/pubdata", "name") or fetched.source.rsplit("/", 1)[-1])
    # A NITF id is the provider's own (unlike a G2 guid, no URI): named with the provider, it names one story.
    story = _attribute(docdata, "du-key", "key") or _attribute(docdata, "doc-id", "id-string")
    return RawItem(
        source=source,
        source_url=source_address(fetched),
        url=_attribute(nitf, "head/pubdata", "ex-ref") or None,
        guid=_attribute(docdata, "doc-id", "id-string") or None,
        story_id=f"{source}/{story}" if story else None,
        title=_first(head, "hedline/hl1") or _first(nitf, "head/title"),
        author=byline_names(byline),
        published=_date(_attribute(docdata, "date.issue", "norm"), _attribute(docdata, "date.release", "norm"),
                        _attribute(head, "dateline/story.date", "norm"), _attribute(nitf, "head/pubdata", "date.publication")),
        categories=list(dict.fromkeys([*keywords, *subjects])),
        content=_body_html(content),
        content_format="html",
    )


def _g2_content(item: etree._Element) -> tuple[str, Literal["html", "text"]] | None:
    """A NewsML-G2 item's text and its format: NITF or XHTML inline first, plain text after."""
    contents = [c for c in item.iterfind("contentSet/*") if c.tag in ("inlineXML", "inlineData")]
    for content in contents:
        kind = (content.get("contenttype") or content.get("contentType") or "").lower()
        if content.tag == "inlineXML" and ("nitf" in kind or content.find(".//body.content") is not None):
            body = content.find(".//body.content")
            if body is not None and _text(body):
                return _body_html(body), "html"
        if content.tag == "inlineXML" and "html" in kind:
            body = content.find(".//body")
            if body is not None and _text(body):
                return _body_html(body), "html"
    plain = next((c for c in contents if c.tag == "inlineData" and "html" not in (c.get("contenttype") or "")), None)
    if plain is not None and (plain.text or "").strip():
        return plain.text or "", "text"
    return None


def _story_id(guid: str, version: str) -> str:
    """A G2 guid without the version some providers end it with."""
    match = _VERSIONED.match(guid)
    return match["story"] if match and version and match["version"] == version else guid


def _g2_item(item: etree._Element, fetched: Fetched) -> RawItem | None:
    """A newsItem with text as an item; None for one without (a picture, a video)."""
    found = _g2_content(item)
    if found is None:
        return None
    content, content_format = found
    meta = item.find("contentMeta")
    meta = meta if meta is not None else etree.Element("contentMeta")
    item_meta = item.find("itemMeta")
    item_meta = item_meta if item_meta is not None else etree.Element("itemMeta")
    guid = (item.get("guid") or "").strip()
    links = [link.get("href") for link in item_meta.iterfind("link")
             if (link.get("href") or "").startswith(("http://", "https://")) and "canonical" in (link.get("rel") or "")]
    creators = [name for creator in meta.iterfind("creator") if (name := _named(creator))]
    subjects = [name for subject in meta.iterfind("subject") if (name := _named(subject))]
    keywords = [_text(keyword) for keyword in meta.iterfind("keyword") if _text(keyword)]
    return RawItem(
        source=(_named(item.find("rightsInfo/copyrightHolder")) or _named(item_meta.find("provider"))
                or fetched.source.rsplit("/", 1)[-1]),
        source_url=source_address(fetched),
        url=links[0] if links else None,
        guid=guid or None,
        story_id=_story_id(guid, (item.get("version") or "").strip()) if guid else None,
        title=_first(meta, "headline"),
        author=byline_names(_first(meta, "by")) or (", ".join(creators) or None),
        published=_date(_first(meta, "contentCreated"), _first(item_meta, "firstCreated"), _first(item_meta, "versionCreated")),
        categories=list(dict.fromkeys([*subjects, *keywords])),
        content=content,
        content_format=content_format,
    )


# NewsML 1's public identifier ends with the item's revision: "urn:newsml:afp.com:20261128:TX-PAR-ABC12:2".
_NEWSML1_REVISION = re.compile(r":\d+[A-Z]?$")


def _newsml1_item(news_item: etree._Element, fetched: Fetched) -> RawItem | None:
    """A NewsML 1 item (AFP's and other agencies' older format): its NITF or text content, its
    NewsLines and NewsManagement for the rest; None for an item with no text."""
    content = next((found for data in news_item.iterfind(".//ContentItem/DataContent")
                    if (found := data.find(".//body.content")) is not None and _text(found)), None)
    plain = next((data for data in news_item.iterfind(".//ContentItem/DataContent") if len(data) == 0 and (data.text or "").strip()), None)
    if content is None and plain is None:
        return None
    public = _first(news_item, ".//NewsIdentifier/PublicIdentifier")
    provider = _first(news_item, ".//NewsIdentifier/ProviderId")
    head = news_item.find(".//nitf/body/body.head")
    return RawItem(
        source=provider or fetched.source.rsplit("/", 1)[-1],
        source_url=source_address(fetched),
        guid=public or None,
        story_id=_NEWSML1_REVISION.sub("", public) if public else None,
        title=_first(news_item, ".//NewsLines/HeadLine") or (_first(head, "hedline/hl1") if head is not None else ""),
        author=byline_names(_first(news_item, ".//NewsLines/ByLine")),
        published=_date(_first(news_item, ".//NewsManagement/FirstCreated"), _first(news_item, ".//NewsManagement/ThisRevisionCreated")),
        content=_body_html(content) if content is not None else (plain.text or "") if plain is not None else "",
        content_format="html" if content is not None else "text",
    )


def parse_wire_xml(text: str, fetched: Fetched) -> list[RawItem]:
    root = _parsed(text, fetched)
    if root.tag == "nitf":
        return [_nitf_item(root, fetched)]
    if root.tag == "NewsML":
        news_items = list(root.iter("NewsItem"))
        items = [found for news_item in news_items if (found := _newsml1_item(news_item, fetched))]
        if not items:
            raise SourceError(f"{fetched.source}: a NewsML document with {len(news_items)} item(s), none with text")
        return items
    news_items = [root] if root.tag == "newsItem" else list(root.iterfind("itemSet/newsItem"))
    items = [found for news_item in news_items if (found := _g2_item(news_item, fetched))]
    without_text = len(news_items) - len(items)
    if not items:
        held = f"{len(news_items)} item(s), none with text" if news_items else "no news items"
        raise SourceError(f"{fetched.source}: a NewsML-G2 {root.tag} with {held} (pictures and video are not read)")
    if without_text:
        items[0].notes.append(f"left out: {without_text} of the message's {len(news_items)} items hold no text (pictures, video)")
    return items


# --- ninjs, IPTC's news in JSON (1.x: headline, body_html; 2.x: headlines, bodies) ---------------------

_NINJS_DEPTH = 6  # a JSON Lines file of API responses: the lines, the response, data, items, an entry, its item


def _ninjs_objects(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """The ninjs items in a JSON value: itself, or those a provider's API wraps ({"data": {"items": [{"item": …}]}})."""
    if isinstance(value, dict):
        if "uri" in value and {"body_html", "body_text", "bodies"} & value.keys():
            yield value
            return
        children: list[Any] = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return
    if depth < _NINJS_DEPTH:
        for child in children:
            yield from _ninjs_objects(child, depth + 1)


def _names(value: Any) -> list[str]:
    """ninjs's subjects, people and places: a list of objects with a name, or of strings."""
    values = value if isinstance(value, list) else [value] if value else []
    return [str(v.get("name") if isinstance(v, dict) else v).strip() for v in values
            if (v.get("name") if isinstance(v, dict) else v)]


def _ninjs_item(record: dict[str, Any], fetched: Fetched) -> RawItem | None:
    bodies = [b for b in record.get("bodies") or [] if isinstance(b, dict) and b.get("value")]
    html = record.get("body_html") or next((b["value"] for b in bodies if "html" in str(b.get("contentType", ""))), None)
    plain = record.get("body_text") or next((b["value"] for b in bodies if "html" not in str(b.get("contentType", ""))), None)
    if not (html or plain):
        return None
    headlines = record.get("headlines") or []
    title = record.get("headline") or next((h.get("value") for h in headlines if isinstance(h, dict) and h.get("value")), "")
    byline = record.get("byline") or record.get("by")  # 1.x's name, 2.x's
    uri = str(record["uri"])
    version = str(record.get("version") or "")
    return RawItem(
        source=(str(record.get("copyrightholder") or "").strip() or ", ".join(_names(record.get("provider")))
                or fetched.source.rsplit("/", 1)[-1]),
        source_url=source_address(fetched),
        url=None,  # the uri names the item (AP's is its API address), not a page a reader opens
        guid=uri,
        story_id=_story_id(uri, version),
        title=str(title),
        author=byline_names(str(byline)) if byline else None,
        published=_date(str(record.get("firstcreated") or ""), str(record.get("versioncreated") or "")),
        categories=list(dict.fromkeys(_names(record.get("subject")) + _names(record.get("keywords")))),
        content=str(html or plain),
        content_format="html" if html else "text",
    )


def parse_ninjs(text: str, fetched: Fetched) -> list[RawItem]:
    value, notes = json_value(text)
    records = list(_ninjs_objects(value))
    items = [found for record in records if (found := _ninjs_item(record, fetched))]
    if not items:
        raise SourceError(f"{fetched.source}: ninjs with no item that holds text (pictures and video are not read)")
    items[0].notes.extend(notes)
    return items


_NINJS_START = re.compile(r'"uri"\s*:')
_NINJS_BODY = re.compile(r'"(?:body_html|body_text|bodies)"\s*:')


class WireReader:
    """NITF and NewsML-G2 (XML) and ninjs (JSON), by their content whatever the file is called."""

    name = "wire"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".nitf",)  # a folder's .xml are feeds more often; named ones are sniffed
    content_type = "application/nitf+xml"
    binary = False
    description = "a wire story (NITF, NewsML-G2 or ninjs)"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        text = decode(fetched) if text is None else text
        head = text[:8192]
        if xml_root(head) in _WIRE_ROOTS:
            return True
        named_json = source_suffix(fetched) in (".json", ".jsonl", ".ndjson") or "json" in fetched.content_type
        return named_json and head.lstrip()[:1] in ("{", "[") and bool(_NINJS_START.search(head)) and bool(_NINJS_BODY.search(text))

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        text = decode(fetched) if text is None else text
        if xml_root(text[:8192]) in _WIRE_ROOTS:
            items = parse_wire_xml(text, fetched)
        else:
            try:
                items = parse_ninjs(text, fetched)
            except ValueError as exc:
                raise SourceError(f"{fetched.source}: not valid JSON ({exc}): the file may be cut off; export or download it again") from None
        for item in items:
            item.notes.extend(decoding_notes(text))
        return None, items
