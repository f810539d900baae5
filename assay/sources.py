"""Sources: naming them (URLs, files, folders), fetching their bytes and decoding their text.

Reading each format into items is `assay.readers`' job. Each function here does one step and
raises `SourceError` with a sentence a user can act on; the ingest flow turns that into a
per-item error and carries on.
"""

from __future__ import annotations

import base64
import codecs
import email.message
import email.utils
import ipaddress
import mimetypes
import os
import re
import socket
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urlencode, urljoin, urlsplit, urlunsplit

import charset_normalizer
import httpx
import listparser
import lxml.etree
import lxml.html

from assay import __version__
from assay.settings import Settings
from assay.types import Fetched, path_text

USER_AGENT = f"Assay/{__version__} (+https://github.com/assay; critical-minerals news analysis)"


class SourceError(Exception):
    """A source or item that cannot be ingested; the message says why in the user's terms."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


# --- naming sources ------------------------------------------------------------------


def expand_source(source: str, suffixes: Sequence[str], also: Callable[[Path], bool] | None = None) -> list[str]:
    """A URL stays as it is; a folder becomes its files with one of `suffixes` (the readers' formats),
    and those `also` accepts (read by their content), sorted; a subscription list (OPML) becomes its
    feeds' addresses; a missing path is an error."""
    path = local_path(source)
    if path is None:
        return [unwrapped_link(source)]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _taken(p, suffixes, also))
        if not files:
            raise SourceError(f"{path}: folder holds no {', '.join(suffixes[:-1])} or {suffixes[-1]} files")
        return [str(p) for p in files]
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if is_subscription_list(path):
        return subscription_feeds(path)
    return [str(path)]


def _taken(path: Path, suffixes: Sequence[str], also: Callable[[Path], bool] | None) -> bool:
    return path.suffix.lower() in suffixes or (also is not None and also(path))


def unread_files(source: str, suffixes: Sequence[str], also: Callable[[Path], bool] | None = None) -> list[str]:
    """The files of a folder that `expand_source` leaves out (of no format a reader takes by its name),
    so the ingest report can name them rather than pass over them; none for a file or a URL. Hidden
    files and folders (".DS_Store", ".git/") are no one's articles and are not named."""
    path = local_path(source)
    if path is None or not path.is_dir():
        return []
    return sorted(path_text(str(p)) for p in path.rglob("*") if p.is_file() and not _taken(p, suffixes, also)
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def subscription_list(source: str) -> Path | None:
    """The subscription list (OPML) a source names, if it names one."""
    path = local_path(source)
    return path if path is not None and path.is_file() and is_subscription_list(path) else None


def local_path(source: str) -> Path | None:
    """The file or folder a source names (a path, or a file:// URL); None for an http(s) URL."""
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://", source)
    if scheme:
        if scheme[1].lower() in ("http", "https"):
            return None
        if scheme[1].lower() != "file":
            raise SourceError(f"unsupported URL scheme {scheme[1]!r}: only http, https and local files are read")
        # Percent-escapes decoded to the file name's bytes: "file:///home/me/My%20Reports/x.pdf", as a browser's address
        # bar shows it, had named no file; and a name of undecodable bytes crosses to a flow as such a URL.
        return Path(os.fsdecode(unquote_to_bytes(urlsplit(source).path)))
    return Path(source).expanduser()


def flow_source(source: str) -> str:
    """A source as a flow's parameter, which Prefect sends as JSON: a path whose name is not UTF-8 (see `path_text`)
    as its file:// URL, whose escapes keep its bytes; any other source is itself."""
    if path_text(source) == source:
        return source
    return Path(source).expanduser().absolute().as_uri()


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


# Click trackers that only send the reader on to an article, the article's address in a parameter:
# Google Alerts' feeds and emails (google.com/url?url=…), Outlook's Safe Links, Bing News's feed.
_REDIRECTORS = re.compile(
    r"^(?:(?:www\.)?google\.[a-z.]+/url|[a-z0-9-]+\.safelinks\.protection\.outlook\.com/|(?:www\.)?bing\.com/news/apiclick\.aspx)$"
)


# Google News's article links: the id is, in its older form ("CBMi…"), the article's address inside
# a base64 protocol buffer; the newer form holds none, and only a browser's script finds the article.
_GOOGLE_NEWS_ARTICLE = re.compile(r"^news\.google\.com/(?:rss/)?articles/(?P<id>[A-Za-z0-9_-]+)$")
_ENCODED_ADDRESS = re.compile(rb"https?://[\x21-\x7e]+")


def unwrapped_link(url: str) -> str:
    """The article a click tracker's link leads to; any other link as it is. Unwrapped, the article
    keeps one id whichever alert brought it, and its page is fetched from its publisher."""
    parts = urlsplit(url.strip())
    where = f"{(parts.hostname or '').lower()}{parts.path}"
    if _REDIRECTORS.match(where):
        query = dict(parse_qsl(parts.query))
        target = query.get("url") or query.get("q") or ""
        if is_url(target):
            return unwrapped_link(target)
    if news := _GOOGLE_NEWS_ARTICLE.match(where):
        try:
            decoded = base64.urlsafe_b64decode(news["id"] + "=" * (-len(news["id"]) % 4))
        except ValueError:
            return url
        if address := _ENCODED_ADDRESS.search(decoded):
            return address.group().decode("ascii")
    return url


def opens_only_in_a_browser(url: str) -> bool:
    """A Google News article link whose id holds no address: fetched, it gives Google's page, not the article."""
    parts = urlsplit(url)
    return _GOOGLE_NEWS_ARTICLE.match(f"{(parts.hostname or '').lower()}{parts.path}") is not None


# --- file-sharing links ------------------------------------------------------------
# A link to a file on Google Drive, Dropbox or OneDrive opens the service's viewer page, not the file:
# fetched as it is, the page's menus would be read as the article. Each service documents an address
# that gives the file itself; `shared_file` finds it. The share link stays the article's address (the
# page a reader opens), and the file's own opening names its publisher, since the host is no publisher.


class SharedFile(NamedTuple):
    link: str
    """The share link in one form whichever the user pasted (view, edit, `open?id=`): the article's address."""
    download: str
    """Where the service gives the file itself."""
    service: str


_DRIVE_FILE = re.compile(r"^/(?:a/[^/]+/)?file(?:/u/\d+)?/d/(?P<id>[\w-]{10,})")
_GOOGLE_EDITOR = re.compile(r"^/(?:a/[^/]+/)?(?P<kind>document|spreadsheets|presentation)(?:/u/\d+)?/d/(?P<id>[\w-]{10,})(?P<rest>/.*)?$")
# What each Google editor exports its files as: formats Assay reads, keeping headings and tables.
_GOOGLE_EXPORTS = {"document": "export?format=docx", "spreadsheets": "export?format=xlsx", "presentation": "export/pptx"}
_FOLDER_LINK = re.compile(r"^drive\.google\.com/(?:drive/(?:u/\d+/)?folders|folderview)")
# Pages a service sends a reader to when a file is not shared with anyone who has the link.
_SIGN_IN = re.compile(r"^(?:accounts\.google\.com|login\.live\.com|login\.microsoftonline\.com|(?:www\.)?dropbox\.com/login)")


def shared_file(url: str) -> SharedFile | None:
    """The file a Google Drive, Google Docs, Dropbox, OneDrive or SharePoint share link stands for;
    None for any other link. A Drive folder is refused (its files need the service's API)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    if _FOLDER_LINK.match(f"{host}{parts.path}"):
        raise SourceError(f"{url}: a Google Drive folder, whose files cannot be fetched without signing in: "
                          "share each file's own link, or download the folder (a .zip) and ingest that")
    if host == "drive.google.com":
        found = _DRIVE_FILE.match(parts.path)
        file_id = found["id"] if found else dict(query).get("id") if parts.path in ("/open", "/uc") else None
        if not file_id:
            return None
        key = [("resourcekey", v) for k, v in query if k == "resourcekey"]  # older files' links need it
        return SharedFile(
            link=f"https://drive.google.com/file/d/{file_id}/view" + (f"?{urlencode(key)}" if key else ""),
            download=f"https://drive.google.com/uc?{urlencode([('export', 'download'), ('id', file_id), *key])}",
            service="Google Drive",
        )
    if host == "docs.google.com" and (found := _GOOGLE_EDITOR.match(parts.path)):
        if (found["rest"] or "").startswith(("/pub", "/export")):  # published to the web: a page; an export already
            return None
        base = f"https://docs.google.com/{found['kind']}/d/{found['id']}"
        return SharedFile(link=f"{base}/edit", download=f"{base}/{_GOOGLE_EXPORTS[found['kind']]}", service="Google Docs")
    if host in ("dropbox.com", "www.dropbox.com") and re.match(r"^/(?:s|sh|scl/fi|scl/fo)/", parts.path):
        # dl=1 gives the file (a folder as a .zip), as Dropbox's help on forcing a download says.
        kept = [(k, v) for k, v in query if k not in ("dl", "raw")]
        # Its `st` is a token of one sharing, not of the file: the same file shared again is the same article.
        link = urlunsplit(("https", "www.dropbox.com", parts.path, urlencode([(k, v) for k, v in kept if k != "st"]), ""))
        return SharedFile(link=link, download=urlunsplit(("https", "www.dropbox.com", parts.path, urlencode([*kept, ("dl", "1")]), "")),
                          service="Dropbox")
    if host in ("1drv.ms", "onedrive.live.com") and host + parts.path != "onedrive.live.com/download":
        # Microsoft's "encoding sharing URLs": the link, base64url without padding, after "u!".
        token = base64.urlsafe_b64encode(url.strip().encode()).decode().rstrip("=")
        return SharedFile(link=url.strip(), download=f"https://api.onedrive.com/v1.0/shares/u!{token}/root/content", service="OneDrive")
    if host.endswith(".sharepoint.com") and re.match(r"^/:[a-z]:/", parts.path):
        kept = [(k, v) for k, v in query if k != "download"]
        return SharedFile(link=url.strip(), download=urlunsplit(("https", host, parts.path, urlencode([*kept, ("download", "1")]), "")),
                          service="SharePoint")
    return None


# --- web archives: a page as the Internet Archive's Wayback Machine kept it ----------------------------
# Analysts read a paywalled, changed or deleted article in its archived copy. The copy is the
# publisher's article: known by its own address (the same article as the live page, when that is read
# too) and published by its site, not by web.archive.org.


class ArchivedCopy(NamedTuple):
    original: str
    """The page's own address: the article's identity, and its publisher's site."""
    download: str
    """The capture as the site served it: Wayback's `id_` form, without its toolbar and rewritten links."""


_WAYBACK = re.compile(r"^https?://(?:web|wayback)\.archive\.org/web/(?P<stamp>\d{1,14})(?:[a-z]{2}_)?/(?P<original>.+)$", re.I)
_WAYBACK_LIST = re.compile(r"^https?://(?:web|wayback)\.archive\.org/web/\d*\*", re.I)


def archived_copy(url: str) -> ArchivedCopy | None:
    """The page a Wayback Machine address holds a capture of; None for any other address. Its list of
    captures (`/web/*/…`) is refused with the way out."""
    url = url.strip()
    if _WAYBACK_LIST.match(url):
        raise SourceError(f"{url}: the Wayback Machine's list of captures, not a page: open one capture and ingest its address")
    found = _WAYBACK.match(url)
    if found is None:
        return None
    original = re.sub(r"^(https?):/+", r"\1://", found["original"], flags=re.I)  # "https:/www…" as some links carry it
    original = original if re.match(r"^https?://", original, re.I) else f"http://{original}"
    return ArchivedCopy(original, f"https://web.archive.org/web/{found['stamp']}id_/{original}")


def capture_time(address: str) -> datetime | None:
    """When the capture at a Wayback address was taken, from its 14-digit timestamp (UTC)."""
    found = _WAYBACK.match(address)
    if found is None or len(found["stamp"]) != 14:
        return None
    try:
        return datetime.strptime(found["stamp"], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def is_shared_file(url: str | None) -> bool:
    """Whether an article's address is a file-sharing link, whose host names no publisher."""
    try:
        return bool(url) and shared_file(url or "") is not None
    except SourceError:
        return False


# Archives where companies file their own documents (the SEC's EDGAR, the ASX's and HKEX's announcements,
# SEDAR+, China's exchanges and CNINFO): the filer, whom the document names, is its publisher, not the archive.
_FILING_ARCHIVES = re.compile(r"(?:^|\.)(?:sec\.gov|asx\.com\.au|hkexnews\.hk|sedarplus\.ca|cninfo\.com\.cn|sse\.com\.cn|szse\.cn)$")


def names_no_publisher(url: str | None) -> bool:
    """Whether an article's address says nothing of its publisher: a shared file's (Drive, Dropbox)
    or a filing archive's (EDGAR), where the document's own opening has to name it."""
    if not url or not is_url(url):
        return False
    return is_shared_file(url) or bool(_FILING_ARCHIVES.search((urlsplit(url).hostname or "").lower()))


def publisher_host(fetched: Fetched) -> str | None:
    """The site a fetched article's address names as its publisher; None for a local file and for an
    address that names none (`names_no_publisher`)."""
    if not fetched.url or names_no_publisher(fetched.url):
        return None
    return urlsplit(fetched.url).netloc


def bot_guard(status: int, headers: httpx.Headers) -> str | None:
    """Why a site refused a fetch as a bot's, in words, or None. Cloudflare marks its challenges with
    `cf-mitigated: challenge` (and answers 403 or 503 as `server: cloudflare`), DataDome with `x-datadome`;
    a plain 403 from any other site is taken as one too: news sites answer scripts so, and readers never."""
    if headers.get("cf-mitigated", "").lower() == "challenge" or (status in (403, 503) and headers.get("server", "").lower() == "cloudflare"):
        return "the site's bot protection (Cloudflare) refuses automated fetches"
    if "x-datadome" in headers and status in (401, 403, 405):
        return "the site's bot protection (DataDome) refuses automated fetches"
    return "the site refuses automated fetches, as many news sites do" if status == 403 else None


def _not_shared(url: str, service: str) -> str:
    return (f"{url}: {service} asks to sign in: the file is not shared with anyone who has the link; share it that way, "
            "or download it and ingest the file")


# A feed reader's export of its subscriptions (Feedly, Inoreader, NetNewsWire, Thunderbird): OPML. Its
# feeds are ingested, not the file; a list is kilobytes, so anything near this size is no list.
MAX_SUBSCRIPTION_LIST_BYTES = 10_000_000
# <opml> as the root element: after a byte-order mark, the XML declaration, comments or a doctype only.
_OPML_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<opml[\s>]", re.IGNORECASE | re.DOTALL
)


def is_subscription_list(path: Path) -> bool:
    """An `.opml` file, or an `.xml` one whose root is `<opml>` (some readers export under that name)."""
    suffix = path.suffix.lower()
    if suffix == ".opml":
        return True
    if suffix != ".xml":
        return False
    try:
        with path.open("rb") as file:
            return opens_a_subscription_list(file.read(4096))
    except OSError:
        return False  # reading it as a feed says why it cannot be read


def opens_a_subscription_list(head: bytes) -> bool:
    """Whether a document's first bytes open an OPML document."""
    return _OPML_ROOT.match(head[:4096]) is not None


def subscription_feeds(path: Path) -> list[str]:
    """The feed addresses a subscription list names, in its order, each once. Its folders (categories)
    are Assay's concern no more than a feed's title is; a list it only links to (OPML's "include") is
    not followed: nothing is fetched to read a list."""
    size = path.stat().st_size
    if size > MAX_SUBSCRIPTION_LIST_BYTES:
        raise SourceError(f"{path}: {size:,} bytes is too large for a subscription list: export the list again from your feed reader")
    return subscription_feeds_in(path.read_bytes(), str(path))


def subscription_feeds_in(data: bytes, where: str) -> list[str]:
    """The feed addresses of a subscription list's bytes (a file's, or a list fetched by its address)."""
    parsed = listparser.parse(data)  # bytes: given a str, listparser would fetch it as a URL
    if not parsed.version:
        raise SourceError(f"{where}: not a subscription list (no <opml> document in it): export the list again from your feed reader as OPML")
    feeds: list[str] = []
    for entry in parsed.feeds:
        url = entry.url.strip()
        # feed://host/path (http) and feed:https://host/path: the old "subscribe" link schemes.
        url = re.sub(r"^feed:(?://)?(?=https?://)", "", url, flags=re.IGNORECASE)
        url = re.sub(r"^feed://", "http://", url, flags=re.IGNORECASE)
        if is_url(url):
            feeds.append(url)
    if not feeds:
        raise SourceError(f"{where}: the subscription list names no http or https feeds: add them in your feed reader and export it again")
    return list(dict.fromkeys(feeds))


def source_suffix(fetched: Fetched) -> str:
    """Suffix of the file name the server gave, else of the path a source names (a URL's or a file's), in lower case."""
    return Path(fetched.filename or urlsplit(fetched.source).path).suffix.lower()


# --- fetching ---------------------------------------------------------------------


PRIVATE_LINKS_REFUSED = (
    "links found in feeds may not reach private or loopback addresses (set ASSAY_FETCH_PRIVATE_LINKS=true to allow)"
)
MAX_REDIRECTS = 10


def is_private_address(url: str) -> bool:
    """Whether the URL's host is, or resolves to, an address that is not on the public internet:
    loopback, private, link-local (cloud metadata at 169.254.169.254), multicast, reserved or
    unspecified. An IP literal is judged without DNS; a name that does not resolve is not private
    (fetching it fails on its own)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return False
    if not host:
        return False
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port or None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    return any(_is_private_ip(address) for address in addresses)


def _is_private_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global  # shared (100.64/10), documentation and other special ranges
    )


def fetch_url(
    url: str,
    settings: Settings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = True,
) -> Fetched:
    """GET with a size limit, following redirects; conditional when validators are known.

    The size limit holds for the decompressed body, counted while decompressing, so a small gzip
    "bomb" stops at the limit. With `allow_private=False` the URL and every redirect target must be
    a public address (see `is_private_address`). A file-sharing link (`shared_file`) is fetched from
    where its service gives the file, and keeps the share link as its address.
    """
    if (archived := archived_copy(url)) is not None:
        return _archived(url, archived, settings, allow_private)
    shared = shared_file(url)
    if shared is None:
        fetched = _get(url, url, settings, etag=etag, last_modified=last_modified, allow_private=allow_private)
        if document := asx_terms_document(fetched):  # the ASX's terms page before an announcement: the document
            return _get(url, document, settings, allow_private=allow_private)
        return fetched
    fetched = _get(url, shared.download, settings, etag=etag, last_modified=last_modified, allow_private=allow_private, shared=shared)
    if shared.service.startswith("Google") and fetched.content_type == "text/html":
        # Drive and Docs give a file as itself; a page instead is a warning (a file over 100 MB Drive will
        # not scan for viruses) or a notice, not the file.
        raise SourceError(f"{url}: {shared.service} answered with a web page instead of the file: download it and ingest the file")
    return fetched.model_copy(update={"url": shared.link})


def _archived(url: str, archived: ArchivedCopy, settings: Settings, allow_private: bool) -> Fetched:
    """A Wayback capture, known by the page's own address. The archive answers with the capture nearest
    the time asked for (a redirect), whose time the note gives and a wire dateline's year is read in."""
    try:
        fetched = _get(url, archived.download, settings, allow_private=allow_private)
    except SourceError as exc:
        if str(exc).startswith("HTTP 404"):
            raise SourceError(f"{url}: the Wayback Machine has no capture of {archived.original}: "
                              "ingest the page's own address, or another capture") from None
        raise
    captured = capture_time(fetched.url or "") or capture_time(url)
    when = f" captured {captured:%Y-%m-%d %H:%M} UTC" if captured else ""
    return fetched.model_copy(update={
        "url": archived.original, "modified": captured or fetched.modified,
        "notes": [f"read from the Internet Archive's copy{when} ({fetched.url or url}); known by the page's own address"]})


# The ASX shows its terms of use before an announcement's PDF ("displayAnnouncement.do?display=pdf&idsId=…"):
# a form whose hidden `pdfURL` is the document's own address, which serves the PDF without the form.
_ASX_TERMS_FORM = re.compile(rb"showAnnouncementPDFForm|announcementTerms\.do")


def asx_terms_document(fetched: Fetched) -> str | None:
    """The announcement's address when `fetched` is the ASX's terms page in front of it; None otherwise."""
    if fetched.content_type != "text/html" or not fetched.url or not (urlsplit(fetched.url).hostname or "").endswith("asx.com.au"):
        return None
    if not _ASX_TERMS_FORM.search(fetched.content[:100_000]):
        return None
    try:
        values = lxml.html.fromstring(fetched.content).xpath('//form//input[@name="pdfURL"]/@value')
    except (lxml.etree.ParserError, ValueError):
        return None
    address = urljoin(fetched.url, str(values[0]).strip()) if values else ""
    return address if (urlsplit(address).hostname or "").endswith("asx.com.au") else None


_GENERIC_TYPES = ("application/octet-stream", "binary/octet-stream", "application/binary", "application/force-download", "application/x-download")


def _get(
    url: str, address: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None,
    allow_private: bool = True, shared: SharedFile | None = None,
) -> Fetched:
    """`address` fetched for the source the user named `url` (the same, but for a shared file)."""
    sec = _is_sec(address)
    headers = {
        # The SEC's fair-access policy: automated tools name a contact in the User-Agent (and nobody else gets it).
        "User-Agent": f"{USER_AGENT} {settings.contact_email}" if sec and settings.contact_email else USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, text/html, */*;q=0.5",
        "Accept-Encoding": ", ".join(_DECOMPRESSORS),  # only what `_Decompressor` decodes within the limit
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def refuse_private(request: httpx.Request) -> None:
        target = str(request.url)
        if is_private_address(target):
            where = url if target == url else f"{url} (redirected to {target})"
            raise SourceError(f"{where}: {PRIVATE_LINKS_REFUSED}")

    hooks = {} if allow_private else {"request": [refuse_private]}
    try:
        with (
            httpx.Client(
                timeout=settings.fetch_timeout_s,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers=headers,
                event_hooks=hooks,
            ) as client,
            client.stream("GET", address) as response,
        ):
            if shared and _SIGN_IN.match(f"{(response.url.host or '').lower()}{response.url.path}"):
                raise SourceError(_not_shared(url, shared.service))
            if response.status_code == 304:
                return Fetched(source=url, url=str(response.url), not_modified=True, etag=etag, last_modified=last_modified)
            if response.status_code >= 400:
                removed = (": the file was removed, or is not shared with anyone who has the link"
                           if shared and response.status_code in (401, 403, 404) else "")
                if response.status_code == 407:  # a plain-http fetch through a proxy that wants credentials
                    removed = f": the proxy refused it: {PROXY_FIX}"
                if (guard := bot_guard(response.status_code, response.headers)) and not removed and not sec:
                    # A news site's bot protection answers a script, never a reader: retrying cannot help, a browser can.
                    raise SourceError(f"HTTP {response.status_code} {response.reason_phrase} from {url}: {guard}: save the page from your "
                                      f"browser and ingest the file, or copy its text and paste it (`pbpaste | assay ingest - --url {url}`)")
                if sec and response.status_code == 403:
                    removed = (": the SEC refuses automated requests that name no contact: set ASSAY_CONTACT_EMAIL to your email address"
                               " (sent to sec.gov only)" if not settings.contact_email else
                               ": the SEC refused it (it allows 10 requests a second): lower ASSAY_FETCH_CONCURRENCY and try again")
                raise SourceError(
                    f"HTTP {response.status_code} {response.reason_phrase} from {url}{removed}",
                    retryable=response.status_code >= 500 or response.status_code == 429,
                )
            declared = int(response.headers.get("content-length") or 0)
            if declared > settings.max_source_bytes:
                raise SourceError(_too_large(url, declared, settings))
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            filename = _attachment_name(response.headers.get("content-disposition", ""))
            if filename and content_type in ("", *_GENERIC_TYPES):  # "a download": its name says what it is
                content_type = mimetypes.guess_type(filename)[0] or content_type
            return Fetched(
                source=url,
                url=str(response.url),
                filename=filename,
                content=_read_body(url, response, settings.max_source_bytes),
                content_type=content_type,
                charset=response.charset_encoding,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                modified=_http_date(response.headers.get("last-modified")) or datetime.now(UTC),
            )
    except httpx.TimeoutException as exc:
        raise SourceError(f"timed out after {settings.fetch_timeout_s:g} s fetching {url} ({type(exc).__name__})", retryable=True) from exc
    except httpx.ProxyError as exc:  # before TransportError, its parent: the proxy, not the site, failed
        raise SourceError(f"could not fetch {url} through the proxy ({exc or type(exc).__name__}): {PROXY_FIX}", retryable=True) from exc
    except httpx.TransportError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):  # retrying will not help; the fix is a CA certificate
            raise SourceError(f"could not reach {urlsplit(address).netloc}: {exc}: {UNTRUSTED_CERTIFICATE_FIX}") from exc
        if isinstance(exc, httpx.ConnectError) and (proxy := _proxy_for(address)):  # the proxy itself is down or wrong
            raise SourceError(f"could not reach the proxy {proxy} for {url} ({exc or type(exc).__name__}): {PROXY_FIX}", retryable=True) from exc
        raise SourceError(f"could not reach {urlsplit(address).netloc}: {exc or type(exc).__name__}", retryable=True) from exc
    except httpx.TooManyRedirects as exc:
        raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects") from exc


# Seen as the bare reasons "407 Proxy Authentication Required" and "[SSL: CERTIFICATE_VERIFY_FAILED] certificate
# verify failed: unable to get local issuer certificate" with no word of what to change: on office networks the
# usual causes are a proxy's credentials and a proxy that inspects HTTPS with the company's own certificate.
PROXY_FIX = "check HTTP_PROXY / HTTPS_PROXY, with the proxy's credentials if it wants them (http://USER:PASSWORD@HOST:PORT)"
UNTRUSTED_CERTIFICATE_FIX = ("its certificate is not trusted here: if a proxy or firewall inspects HTTPS, set SSL_CERT_FILE "
                             "to a file of its CA certificate (PEM)")


def _proxy_for(address: str) -> str | None:
    """The proxy the environment names for this address, as httpx chooses it (None: fetched directly); its
    credentials left out, as the message shows it."""
    import urllib.request

    parts = urlsplit(address)
    proxies = urllib.request.getproxies_environment()
    # NO_PROXY as urllib reads it (in the module, not in its type stubs)
    if urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):  # type: ignore[attr-defined]
        return None
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None
    where = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return f"{where.scheme}://{where.hostname}" + (f":{where.port}" if where.port else "")


def _is_sec(address: str) -> bool:
    host = (urlsplit(address).hostname or "").lower()
    return host == "sec.gov" or host.endswith(".sec.gov")


def _attachment_name(disposition: str) -> str | None:
    """The file name a Content-Disposition header gives, without folders. Its `filename*` (RFC 6266:
    charset'language'percent-encoded) wins over the plain `filename` kept for old clients."""
    if star := re.search(r"filename\*\s*=\s*([^;]+)", disposition, re.IGNORECASE):
        charset, _, rest = star[1].strip().strip('"').partition("'")
        try:
            name: str | None = unquote(rest.partition("'")[2], encoding=charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset: the plain name, if there is one
            name = None
    else:
        name = None
    if not name and "filename" in disposition.lower():
        message = email.message.EmailMessage()
        try:
            message["content-disposition"] = disposition
            name = message.get_filename()
        except (ValueError, TypeError, IndexError):  # a malformed header names nothing
            return None
    if not name:
        return None
    return PurePosixPath(name.replace("\\", "/")).name or None


class _Decompressor:
    """Undoes a Content-Encoding a piece at a time, never giving more than it is asked for.

    httpx's own decoders inflate a whole network read at once: 64 KiB of gzip can be 64 MB of
    zeros. zlib's `max_length` stops inflating at the limit instead."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = self._new() if encoding else None
        self._first = True  # deflate: zlib-wrapped, or raw as some servers send it

    def _new(self) -> zlib._Decompress:
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self.encoding == "gzip" else zlib.MAX_WBITS)

    def decompress(self, data: bytes, max_length: int) -> bytes:
        """At most `max_length` bytes of output; when it gives less, all of `data` was used."""
        if self._zlib is None:
            return data[:max_length]
        if self._first and self.encoding == "deflate":
            self._first = False
            probe = zlib.decompressobj()
            try:
                probe.decompress(data[:2])
            except zlib.error:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
        out = self._zlib.decompress(data, max_length)
        # A gzip body may be several members one after the other; each needs a fresh decompressor.
        while self._zlib.eof and self._zlib.unused_data and len(out) < max_length:
            rest = self._zlib.unused_data
            self._zlib = self._new()
            out += self._zlib.decompress(rest, max_length - len(out))
        return out

    def flush(self) -> bytes:
        return self._zlib.flush() if self._zlib is not None else b""


_DECOMPRESSORS = ("gzip", "deflate")


def _read_body(url: str, response: httpx.Response, limit: int) -> bytes:
    """The decoded body, refused as soon as it passes `limit` bytes (counted after decompressing)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    encoding = "gzip" if encoding == "x-gzip" else "" if encoding == "identity" else encoding
    if encoding and encoding not in _DECOMPRESSORS:
        raise SourceError(f"{url}: unsupported Content-Encoding {encoding!r} (only gzip and deflate are read)")
    decompressor = _Decompressor(encoding)
    body = bytearray()
    try:
        for raw in response.iter_raw():
            body += decompressor.decompress(raw, limit + 1 - len(body))
            if len(body) > limit:
                break
        else:
            body += decompressor.flush()
    except zlib.error as exc:
        raise SourceError(f"{url}: corrupt {encoding} data ({exc})") from None
    if len(body) > limit:
        after = " once decompressed" if encoding else ""
        raise SourceError(f"{url}: over the {limit:,}-byte limit{after} (ASSAY_MAX_SOURCE_BYTES); stopped reading there")
    return bytes(body)


def read_file(path: str, settings: Settings, content_type: str) -> Fetched:
    """A local file's bytes; `content_type` is what a server would have sent (the readers know it by suffix)."""
    file = Path(path)
    stat = file.stat()
    if stat.st_size > settings.max_source_bytes:
        raise SourceError(_too_large(path, stat.st_size, settings))
    modified = datetime.fromtimestamp(stat.st_mtime, UTC)
    return Fetched(source=path_text(path), content=file.read_bytes(), content_type=content_type, modified=modified)


def _http_date(value: str | None) -> datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment is not None and moment.tzinfo else None


def _too_large(source: str, size: int, settings: Settings) -> str:
    return f"{source}: {size:,} bytes is over the {settings.max_source_bytes:,}-byte limit (ASSAY_MAX_SOURCE_BYTES)"


# --- decoding -----------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(rb"""<\?xml[^>]*encoding=["']([\w.-]+)|<meta[^>]+charset=["']?([\w.-]+)""", re.IGNORECASE)


_BOMS = (  # UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_GUESS_MAX_CHAOS = 0.1
"""charset-normalizer's "mess" of the decoded text (0 = clean): above this a guess is not trusted."""


class Decoded(str):
    """A source's text (a `str`, so it goes wherever text goes) and the encoding it was read in."""

    encoding: str
    guessed: bool

    def __new__(cls, text: str, encoding: str, guessed: bool = False) -> Decoded:
        decoded = super().__new__(cls, text)
        decoded.encoding = encoding
        decoded.guessed = guessed
        return decoded

    @property
    def note(self) -> str | None:
        """What the ingest report says about the decoding: only a guess is worth saying."""
        return f"decoded as {self.encoding} (guessed)" if self.guessed else None


def source_address(fetched: Fetched) -> str:
    """Where an item came from (`RawItem.source_url`): the URL it was fetched from, else its file's
    resolved path."""
    return fetched.url or (fetched.source if "://" in fetched.source else str(Path(fetched.source).resolve()))


def decoding_notes(text: str | None) -> list[str]:
    """The note for `RawItem.notes` of text that `decode` gave, if its encoding was guessed."""
    return [text.note] if isinstance(text, Decoded) and text.note else []


def decode(fetched: Fetched) -> Decoded:
    """Text of a source, in this order: a byte-order mark; the charset the server or the document
    declares; UTF-8; else charset-normalizer's guess when it is confident (`Decoded.guessed`, which
    the readers note). Empty input, binary data and text in no recognisable encoding are refused."""
    data = fetched.content
    if not data.strip():
        raise SourceError(f"{fetched.source}: empty")
    for bom, codec, name in _BOMS:  # before the NUL test: UTF-16 and UTF-32 text is full of NUL bytes
        if data.startswith(bom):
            return _checked(fetched, data, codec, name)
    if b"\x00" in data[:8192]:
        raise SourceError(f"{fetched.source}: binary data, not text")
    declared = _DECLARED_CHARSET.search(data[:2048])
    charset = fetched.charset or (declared and (declared[1] or declared[2]).decode())
    if charset:
        return _checked(fetched, data, "utf-8" if _is_utf8(charset) else charset, charset)
    try:
        return _text(fetched, data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        guess = _guess(data)
        if guess is None:
            raise SourceError(
                f"{fetched.source}: not valid utf-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and its encoding "
                "could not be recognised; convert it to UTF-8 or declare its charset"
            ) from None
        return _text(fetched, guess, guess.encoding, guessed=True)


def _is_utf8(charset: str) -> bool:
    return charset.lower().replace("_", "-") in ("utf-8", "utf8")


def _checked(fetched: Fetched, data: bytes, codec: str, name: str) -> Decoded:
    """`data` decoded as `codec` (a mark or a declaration says so), or why it cannot be."""
    try:
        return _text(fetched, data.decode(codec), codecs.lookup(codec).name)
    except LookupError:
        raise SourceError(f"{fetched.source}: unknown charset {name!r}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{fetched.source}: not valid {name} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 or declare its charset"
        ) from None


def _text(fetched: Fetched, text: str, encoding: str, *, guessed: bool = False) -> Decoded:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SourceError(f"{fetched.source}: empty")
    return Decoded(text, "utf-8" if encoding == "utf-8-sig" else encoding, guessed)


def _guess(data: bytes) -> Decoded | None:
    """charset-normalizer's best decoding, when it is confident.

    Candidates about as clean as the best are ties. cp1252 wins a tie (the web's default for
    undeclared Western text, and a superset of latin-1's printable characters); any other guess
    needs language evidence (coherence above 0), since a short text decodes cleanly in many
    single-byte encodings: "Café" is also "Cafﻠ" in cp1006."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches or matches[0].chaos > _GUESS_MAX_CHAOS:
        return None
    best = matches[0]
    ties = [m for m in matches if m.chaos <= best.chaos + 0.01]
    if any("cp1252" in m.could_be_from_charset for m in ties):
        try:
            return Decoded(data.decode("cp1252"), "cp1252", guessed=True)
        except UnicodeDecodeError:
            pass
    if best.coherence <= 0:
        return None
    return Decoded(str(best), best.encoding, guessed=True)
