"""From a raw item to a clean `Article`: the one place where identity and cleaning meet."""

from __future__ import annotations

from pathlib import Path

from assay.cleaning import JS_NOTICE, blocks_for, clean_blocks, repair_text, without_version_tag
from assay.ids import article_id, canonical_url
from assay.readers import parse
from assay.sources import SourceError
from assay.statements import publisher_correction
from assay.types import Article, Fetched, RawItem

# Which reading of the sources the readers and the cleaning give: bump it when a change to them makes an
# unchanged source read otherwise, so that the version it makes is known for Assay's rereading, not the
# publisher's edit (the digest leaves such versions out; `assay show` says so).
READER_VERSION = "33"  # 1: before it was kept (None in the registry); 2: wire formats, filing tables, tables over pages;
# 3: periods side by side over a text or PDF table's columns, a filing's signs and section labels in them; a page's
# "Read more:" links and advertisement slots; "NYSE American:" and "TSX-V:" listings; 4: an outlet in a dateline's
# brackets ("LONDON (Fastmarkets) -"), a byline's role ("By Staff Reporter") no publisher; 5: Reuters' dateline with no
# place ("Nov 18 (Reuters) - ") and Interfax's ("MOSCOW. Nov 24 (Interfax) -"), the metals trade's price reporters by name ("Fastmarkets, November 27, 2026"), Portuguese,
# Spanish, French and German dates ("20 de novembro de 2026"), Asia's and Europe's national agencies ("(Yonhap)")
# 6: the splitter's dateline pattern: a place of two words whose first has three letters ("NEW DELHI, Nov 30 (PTI) --",
# "NEW YORK, …") dates the article and names its agency; a day before its month ("LONDON, 1 December 2026 —"); a saved
# page with no site in its metadata is published by the name its title gives after the headline ("… | Kestrel Metals Notes")
# 7: a dateline of two cities ("TOKYO/BEIJING, Dec 4 (Reuters) -") dates the article and names its agency
# 8: a masthead line ("Harbourline Securities | Morning Note | 3 December 2026") is no title; "The White House", a
# legislature's committee and an issuer's line beside its day ("Kestrel Rare Earths Limited (ASX: KRE) — 27 November 2026") publish
# 9: TASS's dateline ("ASTANA, December 3. /TASS/.") and a price reporter's ("SMM, Dec 3:") date the article and name its agency
# 10: a Tokyo-listed company's notice (its fields out, the company publishes it, the line under them its title); a
# publisher and a release's label ("European Commission - Press release") and a rule's preamble ("Federal Register / Vol. 91
# …", "RIN 0694-AJ87") are no title; a ministry's press conference is published by the ministry its title names, a
# show's episode by its show ("Critical Metals Weekly, Episode 112: …"); a numbered heading over its clauses is a heading
# 11: Kyodo's dateline ("TOKYO, Dec. 4 Kyodo -"); an EU act ("REGULATION (EU) 2024/1252 …") is published by the Union; the
# State Department's "Department Press Briefing – <day>" by the State Department
# 12: an interview put in an outlet's name ("Mining Weekly: …" under "… spoke to Mining Weekly") is that outlet's; a
# Shanghai-listed company's announcement (header, guarantee and closing out); a newsletter post pasted from its page (its
# name over the title, its buttons, its writer alone over the day); a parliament's written answer (its site's heading,
# the day it was answered); a wire story's rail of other headlines and its contacts; a determination's address line and
# case number above its title, and its closing day ("Issued: December 2, 2026")
# 13: a research article's head (journal, DOI, history, authors) and a USGS summary page's running head; a table's rows
# set in under a label ending in a colon carry it ("Imports – Compounds and metals"); a header over some of the columns
# 14: a chat's or channel's messages (WhatsApp's export, Telegram's copy); a byline with the writer's post ("KENJI SATO,
# Nikkei staff writer"); a state body's Malay or Indonesian name over its English one; a headline in capitals is no
# letterhead; a masthead's month dates it; an Obsidian clipping's address, linked writer and callouts
# 15: an Evernote export's notes; a Notion page's properties; a bill's and a court filing's head; a page's byline over
# its text names its writer when its metadata names none; a RIN of any length; "(i)"-"(x)" mark a list's items
# 16: a chart's axis (ticks a line each, its years and unit) is no text
# 17: a clipping's `created:` dates it when its text does not; an Evernote note's encrypted part is no text
# 18: a report's name with its period ("September Quarter Activities Report") names no publisher
# 19: an issuer listed on an Asian exchange ("(KOSDAQ: 247540)") publishes its release, not the distributor
# 20: an RNS announcement's number is no title and a joint listing ("AIM/TSX-V: MKA") an issuer's line; Newsfile, ACCESSWIRE and
# Canada Newswire carry a company's release; Word's symbol bullets ("·") are a list's; a day among a masthead's parts dates it
# 21: a folder named for what it holds or for a step of work ("in", "articles", "to read") names no publisher
# 25: a Chinese portal's "Source: Baotou Daily  2026-11-28 09:15" line and Wikipedia's "From Wikipedia, the free encyclopedia"
# name the publisher, and so does an outlet's name over the headline that the text asks readers to subscribe to
# 26: a forwarded message pasted as text ("---------- Forwarded message ---------", its From/Date/Subject lines) is titled by its
# subject, published by its sender's name and dated by its date line
# 27: a newsletter's name over its byline and day is its publisher and the line under them its title ("Axios Markets");
# a rating agency opening its action after the dateline publishes it ("Fitch Ratings - Sydney - 03 Dec 2026: Fitch Ratings
# has affirmed…"); "Posted by X, Outlet, day" names the writer and the outlet
# 28: a letter to an office holder ("The Honorable …" over "Dear …:") is titled by its first sentence after the salutation
# 29: a title in capitals keeps "AG", "GmbH", "NV" as written (one list of legal forms; "AG" had been "Ag")
# 30: PTI's dateline with no dash after its name dates the story ("New Delhi, Dec 5 (PTI) State-run…" had been undated)
# 31: a page's notice to readers without JavaScript ("You need to enable JavaScript to run this app.") is not its text;
#     a page that only redirects (meta refresh), asks to accept cookies, is the site's error page or sign-in form,
#     or lists stories (a home or section page) is no article
# 32: a byline in italics names the writer; short unheaded bullets over the first paragraph are the publisher's highlights;
#     a call to subscribe with the text going on under it is no paywall; a correction note is kept as a reading note; a page's
#     day labelled "Published:" outside its article element dates it; a photo's caption ending in its credit is no text
# 33: a pasted page's buttons between its headline and byline are no text; a name over a writer's post is the byline

# The bundled sample corpus: 25 real articles of one feed (the demo's input, the eval's corpus). Read through
# the package (assay/data/samples links to the top-level samples/), so that an installed wheel carries it: read
# beside the package, a `pip install .` had no sample feed and `assay demo` ingested nothing.
SAMPLE_FEED = (Path(__file__).resolve().parent / "data" / "samples").resolve() / "rare-earth-exchanges.xml"


def to_article(item: RawItem) -> Article:
    blocks = blocks_for(item.content, item.content_format)
    clean = clean_blocks(blocks)
    if not clean.body.strip():
        where = item.url or item.source_url
        if any(JS_NOTICE.search(b.text) for b in blocks):  # all it held was its notice to readers without JavaScript
            paste = f"`pbpaste | assay ingest - --url {where}`" if str(where).startswith(("http://", "https://")) else "`pbpaste | assay ingest -`"
            raise SourceError(f"{where}: the page draws its text with JavaScript, which Assay does not run: open it in a browser, let it "
                              f"load, and save it (Save Page As…) to ingest that file, or copy its text and paste it ({paste})")
        raise SourceError(f"{where}: no article text left after cleaning")
    url = canonical_url(item.url) if item.url and item.url.startswith(("http://", "https://")) else None
    return Article(
        id=article_id(url, clean.body, item.story_id),
        url=url,
        guid=item.guid,
        title=without_version_tag(repair_text(item.title)) or "(untitled)",
        author=item.author,
        published=item.published,
        source=item.source,
        source_url=item.source_url,
        categories=item.categories,
        highlights=clean.highlights,
        body=clean.body,
        sections=clean.sections,
        # A correction note the body keeps (a page's; a text file's was taken out as it was read, and noted then).
        reading_notes=[*item.notes, *(note for line in clean.body.split("\n") if (note := publisher_correction(line)) and note not in item.notes)],
        read_by=READER_VERSION,
    )


def sample_articles() -> list[Article]:
    """The sample feed's articles, cleaned exactly as ingest cleans them, without storing anything."""
    _, _, items = parse(Fetched(source=str(SAMPLE_FEED), content=SAMPLE_FEED.read_bytes(), content_type="application/xml"))
    return [to_article(item) for item in items]
