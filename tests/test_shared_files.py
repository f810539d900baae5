"""Share links to files on Google Drive, Google Docs, Dropbox, OneDrive and SharePoint: fetched as the file,
not as the service's viewer page, with the share link kept as the article's address.

The services cannot be reached here, so a fake of each answers over httpx's transport as its help pages
say it answers: Drive redirects a download to drive.usercontent.google.com, a file not shared with
anyone who has the link sends the reader to a sign-in page, Dropbox answers `dl=1` with
`application/binary` and the file's name in Content-Disposition.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from assay.settings import Settings
from assay.sources import SourceError, fetch_url, is_shared_file, shared_file
from tests.test_formats_html_pdf import PDF

DRIVE_ID = "1Xk2Lq7ZpR4tV9wY0aBcDeFgHiJkLmNoP"
DOC_ID = "1DocsQwErTyUiOp0987654321AsDfGhJkL"
PRIVATE_ID = "1PrivateFile0123456789abcdefghijk"
GONE_ID = "1RemovedFile0123456789abcdefghijk"


@pytest.mark.parametrize(
    "link, expected_link, expected_download",
    [
        (f"https://drive.google.com/file/d/{DRIVE_ID}/view?usp=sharing", f"https://drive.google.com/file/d/{DRIVE_ID}/view",
         f"https://drive.google.com/uc?export=download&id={DRIVE_ID}"),
        (f"https://drive.google.com/open?id={DRIVE_ID}", f"https://drive.google.com/file/d/{DRIVE_ID}/view",
         f"https://drive.google.com/uc?export=download&id={DRIVE_ID}"),
        (f"https://drive.google.com/file/u/1/d/{DRIVE_ID}/edit?usp=drive_link&resourcekey=0-AbC", f"https://drive.google.com/file/d/{DRIVE_ID}/view?resourcekey=0-AbC",
         f"https://drive.google.com/uc?export=download&id={DRIVE_ID}&resourcekey=0-AbC"),
        (f"https://docs.google.com/document/d/{DOC_ID}/edit?usp=sharing", f"https://docs.google.com/document/d/{DOC_ID}/edit",
         f"https://docs.google.com/document/d/{DOC_ID}/export?format=docx"),
        (f"https://docs.google.com/spreadsheets/d/{DOC_ID}/edit#gid=0", f"https://docs.google.com/spreadsheets/d/{DOC_ID}/edit",
         f"https://docs.google.com/spreadsheets/d/{DOC_ID}/export?format=xlsx"),
        (f"https://docs.google.com/presentation/u/0/d/{DOC_ID}/view", f"https://docs.google.com/presentation/d/{DOC_ID}/edit",
         f"https://docs.google.com/presentation/d/{DOC_ID}/export/pptx"),
        ("https://www.dropbox.com/scl/fi/k3j2h1/Lynas-Q1.pdf?rlkey=abc123&st=tok9&dl=0", "https://www.dropbox.com/scl/fi/k3j2h1/Lynas-Q1.pdf?rlkey=abc123",
         "https://www.dropbox.com/scl/fi/k3j2h1/Lynas-Q1.pdf?rlkey=abc123&st=tok9&dl=1"),
        ("https://dropbox.com/s/k3j2h1/brief.txt?raw=1", "https://www.dropbox.com/s/k3j2h1/brief.txt", "https://www.dropbox.com/s/k3j2h1/brief.txt?dl=1"),
        # Microsoft's own example of encoding a sharing URL (the Graph "shares" page).
        ("https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1",
         "https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1",
         "https://api.onedrive.com/v1.0/shares/u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjMxMjQ0MTkzOTEyITEyJmF1dGhLZXk9MTIwMTkxOSExMjkyMSEx/root/content"),
        ("https://contoso.sharepoint.com/:b:/s/markets/EaBcD?e=xYz", "https://contoso.sharepoint.com/:b:/s/markets/EaBcD?e=xYz",
         "https://contoso.sharepoint.com/:b:/s/markets/EaBcD?e=xYz&download=1"),
    ],
)
def test_a_share_link_names_its_file_and_one_address(link, expected_link, expected_download):
    shared = shared_file(link)
    assert shared is not None and (shared.link, shared.download) == (expected_link, expected_download)
    assert is_shared_file(link)


@pytest.mark.parametrize("link", [
    "https://docs.google.com/document/d/e/2PACX-1vQ9/pub",  # published to the web: a page like any other
    f"https://docs.google.com/document/d/{DOC_ID}/export?format=txt",  # an export already
    "https://www.reuters.com/markets/commodities/lynas-2026-03-04/",
    "https://www.dropbox.com/business",
    "https://onedrive.live.com/download?cid=ABC&resid=ABC!1",  # already the file
])
def test_other_links_are_fetched_as_they_are(link):
    assert shared_file(link) is None and not is_shared_file(link)


def test_a_drive_folder_is_refused_with_the_way_out():
    with pytest.raises(SourceError, match="a Google Drive folder.*download the folder \\(a .zip\\) and ingest that"):
        shared_file("https://drive.google.com/drive/folders/1FoLdEr0123456789?usp=sharing")
    assert not is_shared_file("https://drive.google.com/drive/folders/1FoLdEr0123456789")


# --- the services, faked ------------------------------------------------------------------------


def _docx() -> bytes:
    from tests.test_formats_docx import kestrel_release

    return kestrel_release()


def fake_services(request: httpx.Request) -> httpx.Response:
    """Drive, Docs and Dropbox as their download addresses answer, redirects included."""
    url, query = request.url, parse_qs(urlsplit(str(request.url)).query)
    where = f"{url.host}{url.path}"
    if where == "drive.google.com/uc":
        file_id = query["id"][0]
        if file_id == PRIVATE_ID:
            return httpx.Response(302, headers={"location": "https://accounts.google.com/ServiceLogin?continue=https://drive.google.com/uc"})
        if file_id == GONE_ID:
            return httpx.Response(404, text="<html>Sorry, the file you have requested does not exist.</html>", headers={"content-type": "text/html"})
        return httpx.Response(303, headers={"location": f"https://drive.usercontent.google.com/download?id={file_id}&export=download"})
    if where == "drive.usercontent.google.com/download" and query["id"][0] == DRIVE_ID:
        return httpx.Response(200, content=(PDF / "press_release.pdf").read_bytes(), headers={
            "content-type": "application/pdf", "content-disposition": 'attachment; filename="Acme offtake.pdf"'})
    if where == "drive.usercontent.google.com/download":  # a file over 100 MB: Drive's warning, not the file
        return httpx.Response(200, text='<html><form id="download-form" action="https://drive.usercontent.google.com/download">'
                              "Google Drive can't scan this file for viruses.</form></html>", headers={"content-type": "text/html; charset=utf-8"})
    if where == f"docs.google.com/document/d/{DOC_ID}/export":
        return httpx.Response(200, content=_docx(), headers={
            "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "content-disposition": "attachment; filename=\"Kestrel.docx\"; filename*=UTF-8''Kestrel%20release.docx"})
    if where.startswith("www.dropbox.com/s/") and query.get("dl") == ["1"]:
        return httpx.Response(302, headers={"location": f"https://uc9.dl.dropboxusercontent.com/cd/0/inline/{url.path.rsplit('/', 1)[-1]}"})
    if where.startswith("uc9.dl.dropboxusercontent.com/cd/0/inline/"):
        name = url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, content=BRIEF.encode(), headers={
            "content-type": "application/binary", "content-disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"})
    if url.host == "accounts.google.com":
        return httpx.Response(200, text="<html><title>Sign in - Google Accounts</title></html>", headers={"content-type": "text/html"})
    return httpx.Response(404, text="not found")


BRIEF = ("Baotou smelter update\n\nBEIJING, March 6, 2026 (Xinhua) -- China Northern Rare Earth said on Friday it had raised its "
         "smelting and separation capacity to 11,200 tonnes a year of rare earth oxides at Baotou.\n\nThe company said the new "
         "line would start in the second quarter.\n")


@pytest.fixture
def services(monkeypatch):
    """Every httpx client talks to the fakes instead of the network."""
    real = httpx.Client

    def streamed(request: httpx.Request) -> httpx.Response:  # as off a socket: the fetcher reads the body as a stream
        answer = fake_services(request)
        return httpx.Response(answer.status_code, headers=answer.headers, stream=httpx.ByteStream(answer.content))

    def client(*args, **kwargs):
        return real(*args, **{**kwargs, "transport": httpx.MockTransport(streamed)})

    monkeypatch.setattr(httpx, "Client", client)


def test_a_drive_file_is_fetched_as_the_file_under_its_share_link(services):
    fetched = fetch_url(f"https://drive.google.com/file/d/{DRIVE_ID}/view?usp=sharing", Settings())
    assert fetched.content.startswith(b"%PDF") and fetched.content_type == "application/pdf"
    assert fetched.url == f"https://drive.google.com/file/d/{DRIVE_ID}/view" and fetched.filename == "Acme offtake.pdf"
    assert fetched.source == f"https://drive.google.com/file/d/{DRIVE_ID}/view?usp=sharing"


def test_a_download_named_only_by_its_header_gets_the_type_its_name_says(services):
    fetched = fetch_url("https://www.dropbox.com/s/k3j2h1/baotou.txt?dl=0", Settings())
    assert (fetched.content_type, fetched.filename, fetched.url) == ("text/plain", "baotou.txt", "https://www.dropbox.com/s/k3j2h1/baotou.txt")
    docs = fetch_url(f"https://docs.google.com/document/d/{DOC_ID}/edit", Settings())
    assert docs.filename == "Kestrel release.docx"  # filename* (RFC 6266) wins over the plain one


@pytest.mark.parametrize("file_id, message", [
    (PRIVATE_ID, "Google Drive asks to sign in: the file is not shared with anyone who has the link; share it that way, or download it and ingest the file"),
    (GONE_ID, "HTTP 404 Not Found from .*: the file was removed, or is not shared with anyone who has the link"),
    ("1Huge0123456789abcdefghijklmnopq", "Google Drive answered with a web page instead of the file: download it and ingest the file"),
])
def test_a_file_drive_will_not_give_says_why_in_one_line(services, file_id, message):
    with pytest.raises(SourceError, match=message):
        fetch_url(f"https://drive.google.com/file/d/{file_id}/view", Settings())


@pytest.mark.slow
def test_share_links_ingest_as_their_files_published_by_whom_the_files_name(services, ingest, assay_home):
    """Through the ingest flow: the PDF, the Google Doc and the Dropbox text each read as the file, with
    the publisher its opening names (not drive.google.com), the share link as its address; the same
    Drive file under its other link is the same article, and a re-run skips all three."""
    from assay.store.registry import Registry

    links = [f"https://drive.google.com/file/d/{DRIVE_ID}/view?usp=sharing", f"https://docs.google.com/document/d/{DOC_ID}/edit?usp=sharing",
             "https://www.dropbox.com/s/k3j2h1/baotou.txt?dl=0"]
    report = ingest(links)
    assert report.counts["new"] == 3, report
    articles = {r.url: r for r in Registry(assay_home.registry_url).articles()}
    assert {url: (r.title, r.source) for url, r in articles.items()} == {
        f"https://drive.google.com/file/d/{DRIVE_ID}/view": ("Acme Rare Earths signs magnet-metal offtake with Korean magnet maker", "Acme Rare Earths Ltd"),
        f"https://docs.google.com/document/d/{DOC_ID}/edit": ("Kestrel Rare Earths Commissions Second Separation Circuit", "Kestrel Rare Earths Limited"),
        "https://www.dropbox.com/s/k3j2h1/baotou.txt": ("Baotou smelter update", "Xinhua"),
    }
    again = ingest([*links, f"https://drive.google.com/open?id={DRIVE_ID}"])
    assert (again.counts["new"], again.counts["unchanged"], again.counts["duplicate"]) == (0, 3, 1)  # its other link: the same article
