"""Plain text and Markdown as analysts collect them: exported, hard-wrapped, untitled, with front
matter, in Chinese, Russian and Arabic, in UTF-16/32 and legacy encodings; and the fetch limits
(a gzip bomb, private addresses).

Each fixture under tests/fixtures/formats/text/ is rendered from a `Case` below (run
`python -m tests.test_formats_text` to write them again): the case holds the article the file was
made from, and the test checks what Assay reads back against it.
"""

from __future__ import annotations

import codecs
import difflib
import gzip
import textwrap
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import assay.sources
from assay.articles import to_article
from assay.chunking import chunk_article
from assay.cleaning import text_blocks, text_layout
from assay.corpus import source_type
from assay.readers import content_type_for, parse
from assay.settings import Settings
from assay.sources import SourceError, decode, fetch_url, is_private_address, read_file
from assay.statements import statements, text_sentences
from assay.types import Article, Fetched, SourceKind, SourceType

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats" / "text"


# --- the articles the fixtures are made from --------------------------------------------------


@dataclass
class Case:
    file: str
    title: str
    body: list[str]
    """The article's body as blocks: paragraphs, and section headings written as `## Heading`."""
    render: Callable[[Case], str]
    encoding: str = "utf-8"
    newline: str = "\n"
    highlights: list[str] = field(default_factory=list)
    published: datetime | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    publisher: str | None = None
    """The publisher a local file's opening lines name; None: it names none, and the folder's name stands in."""
    note: str | None = None
    """The decoding note the item must carry (a guessed encoding); None: no decoding note."""
    front_matter: str = ""
    merged_paragraphs: int = 0
    """Paragraph breaks no reader can see: in hard-wrapped text without blank lines, a paragraph
    whose last line ends a sentence and is too full for the next word reads as one that wrapped."""

    def blocks(self) -> list[str]:
        return [b.removeprefix("## ") for b in self.body]

    def paragraphs(self) -> list[str]:
        return [b for b in self.body if not b.startswith("## ")]

    def expected_body(self) -> str:
        return "\n\n".join(self.blocks())

    def data(self) -> bytes:
        text = self.render(self).replace("\n", self.newline)
        if self.encoding == "utf-32-be-bom":
            return codecs.BOM_UTF32_BE + text.encode("utf-32-be")
        if self.encoding == "utf-16-le-bom":
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        return text.encode(self.encoding)


def lines_style(case: Case) -> str:
    """An export: title, a Highlights block, then one paragraph per line, no blank lines anywhere."""
    lines = [case.title]
    if case.highlights:
        lines += ["Highlights", *(f"- {h}" for h in case.highlights)]
    return "\n".join(lines + case.blocks()) + "\n"


def wrapped_72(case: Case) -> str:
    """Wire copy from a terminal: hard-wrapped at 72 columns, paragraphs not separated by blank lines."""
    return case.title + "\n\n" + "\n".join(textwrap.fill(b, 72) for b in case.blocks()) + "\n"


def wrapped_66_blank_lines(case: Case) -> str:
    """A government notice saved from an email: wrapped at 66, blank lines between paragraphs,
    Highlights bullets whose lines wrap under a hanging indent."""
    bullets = "\n".join(textwrap.fill(h, 66, initial_indent="• ", subsequent_indent="  ") for h in case.highlights)
    blocks = [textwrap.fill(b, 66) for b in case.blocks()]
    return "\n\n".join([case.title, "Key highlights\n" + bullets, *blocks]) + "\n"


def untitled_blank_lines(case: Case) -> str:
    """No title line: the file starts with the dateline and first sentence; blank-line paragraphs."""
    return "\n\n".join(case.blocks()) + "\n"


def titled_blank_lines(case: Case) -> str:
    return "\n\n".join([case.title, *case.blocks()]) + "\n"


def cjk_indented(case: Case) -> str:
    """Chinese state media as copied from the page: full-width-space indents, a paragraph per line."""
    return case.title + "\n\n" + "\n".join("\u3000\u3000" + b for b in case.blocks()) + "\n"


def markdown_front_matter(case: Case) -> str:
    markdown_body = [
        b if b.startswith("## ") else b.replace("Yichun", "[Yichun](https://example.com/yichun)").replace("fifth", "**fifth**")
        for b in case.body
    ]
    highlights = "## Key highlights\n\n" + "\n".join(f"* {h}" for h in case.highlights)
    return case.front_matter + f"# {case.title}\n\n" + highlights + "\n\n" + "\n\n".join(markdown_body) + "\n"


CASES = [
    Case(
        file="press_release_lines.txt",
        render=lines_style,
        title="Kestrel Rare Earths Secures Offtake for NdPr Oxide with Northgate Magnetics",
        highlights=[
            "Binding five-year offtake for up to 1,200 tonnes a year of NdPr oxide.",
            "Pricing linked to a floor of US$110 per kilogram.",
            "First shipments scheduled for the third quarter of 2026.",
        ],
        body=[
            "PERTH, Western Australia — Kestrel Rare Earths Ltd (ASX: KRE) has signed a binding offtake agreement with "
            "Northgate Magnetics Inc. for neodymium-praseodymium oxide from its Mount Weld North processing plant.",
            "Under the agreement, Northgate will buy up to 1,200 tonnes a year over five years, with pricing linked to a floor "
            "of US$110 per kilogram and a share of any market price above it.",
            "Managing Director Sarah Lin said the agreement gave the company a bankable revenue stream ahead of its final "
            "investment decision. “This is the anchor contract we needed,” she said.",
            "Northgate, which is building a magnet plant in South Carolina, said the supply would cover about 40% of its "
            "planned feedstock.",
            "The company expects first shipments in the third quarter of 2026, subject to commissioning of the separation circuit.",
            "## About Kestrel Rare Earths",
            "Kestrel Rare Earths is an ASX-listed developer of rare earth projects in Western Australia.",
        ],
    ),
    Case(
        file="wire_wrapped72.txt",
        source="Reuters",  # from the dateline: the file names no publisher
        render=wrapped_72,
        merged_paragraphs=1,  # "...since last April." fills 70 of 72 columns: "Lin" would not have fitted
        title="Australia's Kestrel eyes U.S. magnet makers as China tightens exports",
        body=[
            "SYDNEY, Feb 10 (Reuters) - Australia's Kestrel Rare Earths said on Tuesday it was in talks with three U.S. "
            "magnet makers about long-term supply of heavy rare earths, as buyers scramble for alternatives after China "
            "widened its export controls.",
            "The Perth-based miner, which is building a separation plant at its Mount Weld North project, said the talks "
            "covered dysprosium and terbium oxide as well as the lighter neodymium and praseodymium used in most permanent magnets.",
            '"Customers are no longer asking about price first. They are asking whether we can deliver in 2027," Managing '
            "Director Sarah Lin told Reuters in an interview.",
            "Kestrel's shares rose as much as 7.5% to A$1.43, their highest in nearly a year, before paring gains to close up 4.1%.",
            "China accounts for about 90% of the world's refined heavy rare earths, according to the International Energy "
            "Agency, and Beijing's licensing regime has slowed shipments to Western manufacturers since last April.",
            "Lin declined to name the companies but said a binding agreement with at least one of them could be signed by the "
            "middle of the year. The company expects to make a final investment decision on the plant in the third quarter.",
            "(Reporting by Melanie Tan in Sydney; Editing by Rashmi Kumar)",
        ],
    ),
    Case(
        file="notice_wrapped66.txt",
        render=wrapped_66_blank_lines,
        title="Critical Minerals Production Tax Incentive: draft guidelines released",
        highlights=[
            "Refined rare earths, lithium, nickel and cobalt are eligible for a 10 per cent production tax offset from "
            "1 July 2027.",
            "Applicants must show processing in Australia to at least the oxide or equivalent stage.",
            "Consultation on the draft guidelines is open until 31 March 2026.",
        ],
        body=[
            "The Department of Industry, Science and Resources has released draft guidelines for the Critical Minerals "
            "Production Tax Incentive, which will support the downstream processing and refining of critical minerals in Australia.",
            "The incentive provides a refundable tax offset equal to 10 per cent of eligible processing and refining costs for "
            "up to 10 years per project, for projects that reach a final investment decision before 2030.",
            "## Eligibility",
            "To be eligible, a company must process minerals on the Critical Minerals List to at least the oxide, metal or "
            "equivalent stage in Australia. Mining and concentrating alone do not qualify.",
            "Companies will need to register each project with the department and report annually on production volumes, "
            "costs and the share of processing undertaken onshore.",
            "## Next steps",
            "Stakeholders are invited to make submissions on the draft guidelines by 31 March 2026. Final guidelines are "
            "expected to be published in the second half of the year.",
        ],
    ),
    Case(
        file="state_media_untitled.txt",
        source="Xinhua",  # from the dateline: the file names no publisher
        render=untitled_blank_lines,
        # No title line: the first sentence without its dateline, cut at a word near 120 characters.
        title="China's Ministry of Commerce on Tuesday announced that export license applications for seven medium and "
        "heavy rare earth…",
        body=[
            "BEIJING, Feb. 10 (Xinhua) -- China's Ministry of Commerce on Tuesday announced that export license "
            "applications for seven medium and heavy rare earth items will be reviewed under a streamlined procedure from "
            "March 1, a move it said would facilitate compliant trade.",
            "A spokesperson for the ministry said the procedure would shorten the review period for applications that meet "
            "the requirements, while controls on items with military end uses would remain in place.",
            '"China has always been committed to maintaining the security and stability of global industrial and supply '
            'chains," the spokesperson said at a regular press conference.',
            "The seven items include samarium, gadolinium, terbium, dysprosium, lutetium, scandium and yttrium, which were "
            "placed under export control in April 2025.",
            "Analysts said the new procedure could ease shipment delays that have affected automakers and electronics "
            "manufacturers in Europe and Japan in recent months.",
        ],
    ),
    Case(
        file="lithium_front_matter.md",
        render=markdown_front_matter,
        front_matter=(
            "---\n"
            'title: "Lithium prices rebound as Yichun lepidolite mines pause output"\n'
            "date: 2026-02-09 14:30:00\n"
            "url: https://www.miningweekly.example/article/lithium-prices-rebound-2026-02-09\n"
            "source: Mining Weekly\n"
            "author: Thandi Nkosi\n"
            "tags: [lithium, China, prices]\n"
            "---\n"
        ),
        title="Lithium prices rebound as Yichun lepidolite mines pause output",
        published=datetime(2026, 2, 9, 14, 30, tzinfo=UTC),
        url="https://www.miningweekly.example/article/lithium-prices-rebound-2026-02-09",
        source="Mining Weekly",
        author="Thandi Nkosi",
        highlights=["Spot lithium carbonate rose 9% in a week.", "Three lepidolite mines in Yichun paused output for permit reviews."],
        body=[
            "Lithium carbonate prices in China rose for a fifth straight session on Monday, after three lepidolite mines "
            "around Yichun in Jiangxi province paused output while their mining permits are reviewed.",
            "Spot battery-grade lithium carbonate traded at 86,500 yuan a tonne, up 9% from a week earlier, according to "
            "a price assessment by a Shanghai consultancy.",
            "## Market reaction",
            "Shares in Australian spodumene producers rose on the news. Analysts cautioned that the rally could fade if the "
            "permit reviews are completed quickly, as they were in 2024.",
        ],
    ),
    Case(
        file="xinhua_zh.txt",
        source="Xinhua",  # from the dateline: the file names no publisher
        render=cjk_indented,
        title="商务部新闻发言人就稀土出口管制措施答记者问",
        body=[
            "新华社北京2月10日电（记者 王晓明）商务部新闻发言人10日表示，中方对部分中重稀土相关物项实施出口管制，是依法依规采取的正常举措，符合国际通行做法。",
            "发言人介绍，此次管制涉及钐、钆、铽、镝、镥、钪、钇等七类中重稀土相关物项。出口经营者应当依照有关规定向商务部申请许可，商务部将依法进行审查并作出决定。",
            "发言人强调，稀土相关物项具有军民两用属性，对其实施出口管制是国际社会的通行做法。中方将继续致力于维护全球产业链供应链的安全稳定！",
            "有记者问：管制措施是否会影响正常贸易？发言人表示，对于符合规定的民用出口申请，商务部将依法予以许可，并为合规贸易提供便利。",
            "据统计，2025年中国稀土永磁材料出口量同比增长约6.8%，出口市场覆盖欧洲、北美和东南亚等地区。业内人士认为，管制措施有利于规范市场秩序。",
            "发言人最后表示，中方愿同各国加强出口管制领域的对话与合作，共同促进合规贸易发展，维护国际产业链供应链稳定。",
        ],
    ),
    Case(
        file="company_notice_utf16.txt",
        render=lines_style,
        publisher="Northgate Magnetics Inc.",  # "Northgate Magnetics Inc. today announced…": a release's issuer
        encoding="utf-16-le-bom",  # Windows Notepad's "Unicode"
        newline="\r\n",
        title="Northgate Magnetics Commissions Second Sintering Line",
        body=[
            "Northgate Magnetics Inc. today announced that it has commissioned a second sintering line at its Greenville, "
            "South Carolina plant, doubling nameplate capacity to 2,000 tonnes of NdFeB magnets a year.",
            "The line was installed on schedule and within its US$85 million budget. Trial production of magnets for "
            "electric vehicle traction motors began on February 2.",
            '"Our customers want magnets made outside China, and they want them at scale," said Chief Executive Officer '
            'Daniel Reyes.',
            "## Outlook",
            "Northgate expects the plant to run at 60% of capacity by the end of 2026. The company will report "
            "fourth-quarter results on March 5.",
        ],
    ),
    Case(
        file="interfax_ru_utf32.txt",
        render=titled_blank_lines,
        publisher="Interfax",
        encoding="utf-32-be-bom",
        title="Правительство одобрило программу развития добычи редкоземельных металлов",
        body=[
            "МОСКВА, 10 февраля. /Интерфакс/ – Правительство России утвердило программу развития добычи и переработки "
            "редкоземельных металлов до 2035 года, сообщил в понедельник вице-премьер.",
            "Программа предусматривает ввод в эксплуатацию трёх новых горно-обогатительных комбинатов. Первый из них "
            "должен заработать на Кольском полуострове в 2028 году.",
            "«Мы рассчитываем полностью закрыть внутреннюю потребность в неодиме и празеодиме», – сказал вице-премьер. По "
            "его словам, общий объём инвестиций составит около 200 млрд рублей.",
            "Эксперты отмечают, что ключевым вопросом остаётся технология разделения. Сейчас большая часть концентратов "
            "отправляется на переработку за рубеж.",
        ],
    ),
    Case(
        file="trade_journal_cp1252.txt",
        render=titled_blank_lines,
        encoding="cp1252",
        newline="\r\n",
        note="decoded as cp1252 (guessed)",
        title="Rochefort Chimie restarts rare earth separation in La Rochelle",
        body=[
            "LA ROCHELLE, France — Rochefort Chimie has restarted its rare earth separation line in La Rochelle after a "
            "€45 million upgrade, the company said on Monday, making it one of the few plants outside Asia able to "
            "separate heavy rare earths.",
            "“We have rebuilt the solvent-extraction circuit from the ground up,” said plant director Hélène Marchand. "
            "“The line can now produce dysprosium and terbium oxides at 99.9% purity.”",
            "The Société’s customers include European magnet makers and a German carmaker, which has agreed to buy part "
            "of the output under a five-year contract.",
            "The plant will process about 1,500 tonnes of mixed rare earth carbonate a year, sourced mainly from Brazil and "
            "Australia — enough for the magnets of roughly one million electric vehicles.",
        ],
    ),
    Case(
        file="announcement_gb18030.txt",
        render=titled_blank_lines,
        encoding="gb18030",
        note="decoded as gb18030 (guessed)",
        title="华北稀土集团关于2025年度业绩预增的公告",
        body=[
            "本公司董事会及全体董事保证本公告内容不存在任何虚假记载、误导性陈述或者重大遗漏，并对其内容的真实性、准确性和完整性承担法律责任。",
            "经财务部门初步测算，预计2025年度实现归属于上市公司股东的净利润为18亿元到20亿元，与上年同期相比增加约35%到50%。",
            "业绩预增的主要原因是：报告期内稀土产品市场价格企稳回升，公司主要产品氧化镨钕的销量同比增长；同时，公司持续推进降本增效，冶炼分离环节成本下降。",
            "本次业绩预告数据仅为初步核算数据，具体准确的财务数据以公司正式披露的2025年年度报告为准。敬请广大投资者注意投资风险。",
        ],
    ),
    Case(
        file="arabic_utf8.txt",
        render=titled_blank_lines,
        title="السعودية توقع اتفاقية لتطوير مشروع للعناصر الأرضية النادرة",
        body=[
            "الرياض – وقعت شركة التعدين الوطنية اتفاقية مع شريك دولي لتطوير مشروع لاستخراج العناصر الأرضية النادرة في "
            "منطقة جبل صايد. وقال مسؤول في الشركة إن المشروع يهدف إلى تنويع مصادر الدخل.",
            "وتسعى المملكة إلى أن يصبح قطاع التعدين ركيزة ثالثة للاقتصاد الوطني. فهل تنجح في جذب الاستثمارات المطلوبة؟ "
            "يرى محللون أن الطلب العالمي المتزايد على المغناطيسات الدائمة يدعم هذا التوجه.",
            "ومن المتوقع أن تبدأ أعمال الحفر الاستكشافي خلال الربع الثالث من العام الجاري، على أن تصدر دراسة الجدوى "
            "الأولية في عام 2027.",
        ],
    ),
]


def write_fixtures() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        (FIXTURES / case.file).write_bytes(case.data())


# --- helpers ----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.split())


def read_article(path: Path, settings: Settings | None = None) -> tuple[Article, list[str]]:
    kind, _, (item,) = parse(read_file(str(path), settings or Settings(), content_type_for(path.suffix)))
    assert kind is SourceKind.file
    return to_article(item), item.notes


def body_paragraphs(article: Article) -> list[str]:
    headings = {s.heading for s in article.sections if s.heading}
    return [p for p in article.body.split("\n\n") if p.strip() and p not in headings]


# --- the fixtures, read back --------------------------------------------------------------------


def test_fixtures_are_what_their_cases_render():
    """The files on disk are the cases' renderings (regenerate with `python -m tests.test_formats_text`)."""
    for case in CASES:
        assert (FIXTURES / case.file).read_bytes() == case.data(), case.file


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_text_fixture_reads_back_as_the_article_it_was_made_from(case: Case):
    article, notes = read_article(FIXTURES / case.file)
    ratio = difflib.SequenceMatcher(None, normalise(case.expected_body()), normalise(article.body)).ratio()
    assert ratio >= 0.95, (case.file, ratio, article.body[:400])
    assert article.title == case.title
    assert article.highlights == case.highlights
    assert len(body_paragraphs(article)) == len(case.paragraphs()) - case.merged_paragraphs, article.body
    assert [s.heading for s in article.sections if s.heading] == [b[3:] for b in case.body if b.startswith("## ")]
    assert not article.body.startswith(case.title[:30])  # the title line is not repeated as the first paragraph
    assert "Highlights" not in article.body and "• " not in article.body
    decoding = [n for n in notes if n.startswith("decoded as")]
    assert decoding == ([case.note] if case.note else [])
    # An undated article says so; a wire dateline's "Feb. 10" has no year: the latest Feb. 10 on or
    # before the file's last change, which a checkout sets, said in a note.
    assert any("left undated" in n for n in notes) == (article.published is None), notes
    if any(n.startswith("dated from the dateline") for n in notes):
        changed = datetime.fromtimestamp((FIXTURES / case.file).stat().st_mtime, UTC)
        assert article.published is not None and (article.published.month, article.published.day) == (2, 10)
        assert changed - timedelta(days=366) < article.published <= changed + timedelta(days=2)
        article = article.model_copy(update={"published": None})
    if case.published or case.url or case.source or case.author:
        assert (article.published, article.url, article.source, article.author) == (case.published, case.url, case.source, case.author)
    else:  # a local file: known by its path, published by whom its opening names; its folder, "text", names no publisher
        assert (article.url, article.source, article.source_url) == (None, case.publisher or "files", str((FIXTURES / case.file).resolve()))


def test_the_layouts_are_told_apart():
    wrapped = text_layout((FIXTURES / "wire_wrapped72.txt").read_text())
    assert wrapped.wrapped and 66 <= wrapped.width <= 72
    assert text_layout((FIXTURES / "notice_wrapped66.txt").read_text()).wrapped
    assert not text_layout((FIXTURES / "press_release_lines.txt").read_text()).wrapped
    assert not text_layout((FIXTURES / "xinhua_zh.txt").read_text()).wrapped


def test_one_paragraph_per_line_without_blank_lines_stays_one_per_line():
    blocks = text_blocks("Highlights\n- One.\n- Two.\nFirst paragraph ends here.\nSecond paragraph starts Here and ends.\nShort heading\nThird.")
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Highlights"),
        ("item", "One."),
        ("item", "Two."),
        ("paragraph", "First paragraph ends here."),
        ("paragraph", "Second paragraph starts Here and ends."),
        ("heading", "Short heading"),
        ("paragraph", "Third."),
    ]


@pytest.mark.parametrize("after_title", ["\n", "\n\n"])
@pytest.mark.parametrize("bullet", ["- ", "• ", "* "])
def test_the_test_set_shape_title_highlights_then_a_paragraph_per_line(after_title, bullet):
    """How the 4-article test set arrives as .txt: title, maybe a blank line, Highlights, bullets, body lines."""
    text = (
        f"MP Materials Starts Magnet Output in Fort Worth{after_title}Highlights\n{bullet}First magnets shipped.\n"
        f"{bullet}Capacity of 1,000 tonnes a year.\nMP Materials said on Monday it had begun commercial magnet output.\n"
        "The plant supplies General Motors under a long-term contract.\n"
    )
    article, _ = parse_text(text)
    assert article.title == "MP Materials Starts Magnet Output in Fort Worth"
    assert article.highlights == ["First magnets shipped.", "Capacity of 1,000 tonnes a year."]
    assert article.body == (
        "MP Materials said on Monday it had begun commercial magnet output.\n\nThe plant supplies General Motors under a long-term contract."
    )


# --- titles ---------------------------------------------------------------------------------


def parse_text(text: str, name: str = "/notes/kestrel-update.txt", **kw) -> tuple[Article, list[str]]:
    _, _, (item,) = parse(Fetched(source=name, content=text.encode(), content_type="text/plain", **kw))
    return to_article(item), item.notes


@pytest.mark.parametrize("label", ["Highlights", "Key highlights:", "Summary", "Key points", "ABSTRACT"])
def test_a_section_label_is_never_the_title(label):
    article, notes = parse_text(f"{label}\n- Output rose 12%.\n- Costs fell.\nKestrel Rare Earths lifted output in the quarter. Costs fell.\n")
    assert article.title == "Kestrel Rare Earths lifted output in the quarter."
    assert "no title line: the title is the first sentence" in notes


def test_title_falls_back_to_a_markdown_heading_then_the_file_name():
    article, _ = parse_text("Summary\n\nSome opening words without an end\n\n## Kestrel lifts output\n\nOutput rose.", "/n/a.md")
    assert article.title == "Kestrel lifts output"
    _, _, (item,) = parse(Fetched(source="/notes/kestrel-q4.txt", content=b"- only a bullet\n", content_type="text/plain"))
    assert (item.title, item.notes[0]) == ("kestrel-q4", "no title line: the title is the file name")


def test_a_title_case_line_of_its_own_in_markdown_is_a_section_heading():
    """Releases exported to Markdown write "About Arafura" and "Forward-Looking Statements" as lines of
    their own, not "## …": they start sections, so the legal text is known as such. A short line that
    is not in title case ("Media contact: …") or that ends the file stays a paragraph."""
    from assay.statements import statements

    text = ("# Arafura wins A$200 million loan\n\nArafura Rare Earths received approval for a A$200 million loan from EFA.\n\n"
            "About Arafura Rare Earths\n\nArafura is developing the Nolans Project near Alice Springs.\n\n"
            "Forward-Looking Statements\n\nActual results may differ materially from those expressed or implied.\n\n"
            "Media contact: Jane Citizen, media@example.com\n\nLast Updated Today")
    article, _ = parse_text(text, "/n/arafura.md")
    assert [s.heading for s in article.sections] == [None, "About Arafura Rare Earths", "Forward-Looking Statements"]
    news = parse_text("# Lynas update\n\nShares in Lynas Rose 5% To A$7.20\n\nThe company said output rose.\n", "/n/lynas.md")[0]
    assert [s.heading for s in news.sections] == [None]  # a line with a figure is news, not a heading
    assert [s.text for s in statements(article)] == ["Arafura Rare Earths received approval for a A$200 million loan from EFA.",
                                                     "Arafura is developing the Nolans Project near Alice Springs."]


def test_a_briefings_numbered_story_headings_are_headings_and_a_list_stays_a_list():
    """A morning briefing written here: each story under "1. Lynas signs Japanese offtake" became a
    statement repeating the story's first sentence. A list of one after a lead-in ("Key points:") and
    a list of several stay items."""
    from assay.statements import statements

    text = ("CRITICAL MINERALS BRIEFING\nTuesday, 1 December 2026\n\n"
            "1. Lynas signs Japanese offtake\nLynas Rare Earths agreed to supply up to 3,000 tonnes a year of NdPr oxide to Sojitz.\n\n"
            "2. Iluka's Eneabba refinery over budget\nIluka Resources raised its cost estimate for the refinery to A$1.9 billion.\n\n"
            "Key points:\n\n- Output rose at Mount Weld\n\nThe company said output rose 12% in the quarter.\n\n"
            "- Prices held\n- Shipments rose\n\nMore on both next week, the editors said in a note.\n")
    article, _ = parse_text(text, "/n/briefing.txt")
    assert [s.heading for s in article.sections][1:3] == ["Lynas signs Japanese offtake", "Iluka's Eneabba refinery over budget"]
    found = [s.text for s in statements(article)]
    assert not any(text.startswith(("Lynas signs", "Iluka's Eneabba")) for text in found)
    assert "Output rose at Mount Weld" in article.body and "Output rose at Mount Weld" not in [s.heading for s in article.sections]
    assert "• Prices held" in article.body


def test_a_wrapped_first_line_is_not_taken_for_a_title():
    text = textwrap.fill(CASES[1].body[1] + " " + CASES[1].body[4], 72)  # no title, wrapped at 72
    article, _ = parse_text(text)
    assert article.title.startswith("The Perth-based miner, which is building a separation plant")
    assert normalise(article.body) == normalise(CASES[1].body[1] + " " + CASES[1].body[4])


def test_malformed_front_matter_is_ignored_with_a_note():
    article, notes = parse_text("---\ntitle: [unclosed\ndate: 2026-02-10\n---\nKestrel update\nOutput rose 12% in the quarter.\n", "/n/a.md")
    assert article.title == "Kestrel update" and article.body == "Output rose 12% in the quarter." and article.published is None
    assert any(n.startswith("front matter ignored: not valid YAML") for n in notes)


def test_front_matter_dates_are_utc_and_aware():
    for value, expected in [
        ("2026-02-10", datetime(2026, 2, 10, tzinfo=UTC)),
        ("2026-02-10T09:30:00+08:00", datetime(2026, 2, 10, 1, 30, tzinfo=UTC)),
        ('"Tue, 10 Feb 2026 09:30:00 GMT"', datetime(2026, 2, 10, 9, 30, tzinfo=UTC)),
    ]:
        article, _ = parse_text(f"---\ndate: {value}\n---\n# Kestrel update\n\nOutput rose.\n", "/n/a.md")
        assert article.published == expected, value
    _, notes = parse_text("---\ndate: sometime soon\n---\nKestrel update\n\nOutput rose.\n", "/n/a.md")
    assert "front matter date 'sometime soon' not understood" in notes


def test_header_lines_without_dashes_are_front_matter():
    """A text export that writes its metadata as "Title: …" lines (seen on a column saved by a note-taking
    app, written here) used to keep "Title: " in its title and the other lines in its body."""
    article, notes = parse_text("Title: The West is still sleepwalking\nAuthor: A. Columnist\nDate: 2026-11-20\n\n"
                                "China still refines nine in ten tonnes. That is a dependency.\n")
    assert (article.title, article.author, article.published) == ("The West is still sleepwalking", "A. Columnist", datetime(2026, 11, 20, tzinfo=UTC))
    assert article.body == "China still refines nine in ten tonnes. That is a dependency."
    assert "metadata read from its header lines (Title, Author, Date)" in notes
    # One such line, or lines of other keys, are the article's own text.
    for text in ("Date: 2026-11-20\nKestrel update\n\nOutput rose.\n", "From: Jane\nSubject: Kestrel\n\nOutput rose.\n",
                 "Source: company filings\nOutput rose 12% in the quarter.\n"):
        assert "metadata read" not in " ".join(parse_text(text)[1]), text


@pytest.mark.parametrize(("opening", "modified", "expected"), [
    ("SYDNEY, Dec 1 (Reuters) - Shares of Lynas rose.", datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
    ("BAOTOU, Nov. 28 (Xinhua) -- Output rose.", datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC)),
    ("SYDNEY, Dec 30 (Reuters) - Shares of Lynas rose.", datetime(2027, 1, 2, tzinfo=UTC), datetime(2026, 12, 30, tzinfo=UTC)),
    ("新华社北京12月2日电 稀土产量增长。", datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)),
    ("SYDNEY, Feb 30 (Reuters) - No such day.", datetime(2026, 12, 3, tzinfo=UTC), None),
    # Reuters' with no place, over a story put together from releases (written here)
    ("Nov 18 (Reuters) - Energy Fuels said on Tuesday it had produced 1.25 tonnes of dysprosium oxide.",
     datetime(2026, 11, 19, tzinfo=UTC), datetime(2026, 11, 18, tzinfo=UTC)),
    # Interfax's, a full stop after the place (written here)
    ("MOSCOW. Nov 24 (Interfax) - Solikamsk Magnesium Works plans to raise output.", datetime(2026, 11, 25, tzinfo=UTC),
     datetime(2026, 11, 24, tzinfo=UTC)),
])
def test_a_wire_dateline_without_a_year_is_read_in_the_year_of_the_file(opening, modified, expected):
    """Wire copy saved as text gives the day, not the year: the latest year that puts the day on or
    before the file's last change, said in a note (seen on wire copy and a dispatch written here)."""
    text = f"Lynas shares jump\n\n{opening}\n"
    _, _, (item,) = parse(Fetched(source="/n/wire.txt", content=text.encode(), content_type="text/plain", modified=modified))
    assert to_article(item).published == expected
    assert any(n.startswith("dated from the dateline") for n in item.notes) is (expected is not None)
    _, _, (unknown,) = parse(Fetched(source="/n/wire.txt", content=text.encode(), content_type="text/plain"))
    assert unknown.published is None  # no clock to read the year from: left undated


# --- non-Latin text: sentences and chunks ---------------------------------------------------------


def test_chinese_article_splits_into_sentences_and_chunks():
    article, _ = read_article(FIXTURES / "xinhua_zh.txt")
    found = text_sentences(article.body)
    assert len(found) >= 10
    assert all(article.body[s.start : s.end] == s.text for s in found)
    assert found[1].text.startswith("发言人介绍") and found[1].text.endswith("物项。")
    chunks = chunk_article(article, 200, 20)
    assert len(chunks) >= 3
    assert all(article.body[c.start : c.end] == c.text and len(c.text) <= 200 for c in chunks)
    assert sum(c.text.endswith(("。", "！", "？")) for c in chunks) >= len(chunks) - 1


def test_cyrillic_and_arabic_sentences_end_where_they_should():
    russian, _ = read_article(FIXTURES / "interfax_ru_utf32.txt")
    assert [s.text for s in text_sentences(russian.body.split("\n\n")[1])] == [
        "Программа предусматривает ввод в эксплуатацию трёх новых горно-обогатительных комбинатов.",
        "Первый из них должен заработать на Кольском полуострове в 2028 году.",
    ]
    arabic, _ = read_article(FIXTURES / "arabic_utf8.txt")
    assert len(text_sentences(arabic.body.split("\n\n")[1])) == 3


# --- decoding -----------------------------------------------------------------------------------


def test_utf16_without_a_bom_is_still_binary():
    with pytest.raises(SourceError, match="binary data"):
        decode(Fetched(source="a.txt", content="Kestrel output rose.".encode("utf-16-le")))


def test_a_declared_charset_wins_over_the_guess():
    text = decode(Fetched(source="a", content="Hélène’s plant".encode("cp1252"), charset="windows-1252"))
    assert (text, text.guessed, text.note) == ("Hélène’s plant", False, None)


def test_a_guessed_encoding_is_noted_on_feed_items():
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Trade</title><link>https://ex.com</link><description>d</description>'
        "<item><title>Rochefort restarts</title><link>https://ex.com/a</link><description>“Hélène” said the €45m line runs.</description>"
        "</item></channel></rss>"
    ).encode("cp1252")
    _, _, (item,) = parse(Fetched(source="trade.xml", content=feed, content_type="application/xml"))
    assert item.notes == ["decoded as cp1252 (guessed)"]
    assert to_article(item).body == "“Hélène” said the €45m line runs."


def test_a_newsletter_feed_s_email_layout_is_read_as_its_text_once():
    """A newsletter platform's feed carries each issue's email HTML, laid out in tables inside tables.
    Read as a data table, the heading was glued to the text ("Rare Earths WeeklyNdPr prices…") and the
    inner table's text came out once for every table around it."""
    from tests.conftest import rss

    issue = ("<table width='600'><tr><td><table><tr><td><h1>Rare Earths Weekly</h1><p>NdPr prices rose 4% this week as buyers "
             "restocked ahead of the new licensing round.</p><p>Lynas said its Kalgoorlie plant is running at its full rate.</p></td>"
             "</tr><tr><td><p>MP Materials shipped its first magnets to General Motors from Fort Worth.</p></td></tr></table></td></tr>"
             "<tr><td>Prices: <b>NdPr oxide</b> CNY 612,000/t</td></tr></table>")
    feed = rss([{"title": "Rare Earths Weekly, issue 41", "link": "https://news.example.com/41", "html": issue}]).encode()
    _, _, (item,) = parse(Fetched(source="https://news.example.com/feed", url="https://news.example.com/feed", content=feed,
                                  content_type="application/rss+xml"))
    body = to_article(item).body
    assert body.count("NdPr prices rose 4%") == 1 and body.count("first magnets") == 1 and "WeeklyNdPr" not in body
    assert "Lynas said its Kalgoorlie plant is running at its full rate.\n\nMP Materials shipped" in body
    assert body.endswith("Prices: NdPr oxide CNY 612,000/t")


def test_a_guessed_encoding_is_noted_on_a_page():
    page = (
        "<html><head><title>Rochefort</title></head><body><article><h1>Rochefort restarts its line</h1><p>“Hélène Marchand” "
        "said the €45 million line in La Rochelle runs again, one of the few plants outside Asia that separate heavy rare earths."
        "</p></article></body></html>"
    ).encode("cp1252")
    _, _, (item,) = parse(Fetched(source="https://ex.com/a", url="https://ex.com/a", content=page, content_type="text/html"))
    assert "decoded as cp1252 (guessed)" in item.notes
    assert "“Hélène Marchand” said the €45 million line" in to_article(item).body


# --- identity of text fetched by URL -----------------------------------------------------------


def test_text_fetched_by_url_keeps_the_url_as_its_identity(http_server):
    url = http_server.set("/notes/kestrel.txt", "Kestrel update\n\nOutput rose 12%.\n", content_type="text/plain; charset=utf-8")
    settings = Settings()
    first = fetch_url(url, settings)
    _, _, (item,) = parse(first)
    host = url.split("/")[2]
    assert (item.url, item.source_url, item.source, item.title) == (url, url, host, "Kestrel update")
    http_server.set("/notes/kestrel.txt", "Kestrel update\n\nOutput rose 14%, revised.\n", content_type="text/plain")
    edited = to_article(parse(fetch_url(url, settings))[2][0])
    assert edited.id == to_article(item).id and edited.url == url  # an edit is the same article, not a second one


# --- fetching: gzip bombs, redirects, private addresses -------------------------------------


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def raw_server() -> Iterator[tuple[str, dict[str, tuple[int, dict[str, str], bytes]]]]:
    """A loopback server whose routes set any headers (Content-Encoding, Location)."""
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()


def test_a_gzip_bomb_is_cut_off_while_decompressing(raw_server):
    base, routes = raw_server
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # 200 MB of zeros in about 200 KB
    routes["/bomb.xml"] = (200, {"Content-Type": "application/xml", "Content-Encoding": "gzip"}, bomb)
    settings = Settings(max_source_bytes=1_000_000)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SourceError, match=r"over the 1,000,000-byte limit once decompressed"):
            fetch_url(f"{base}/bomb.xml", settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 10_000_000  # never more than the limit and a network read or two in memory (httpx would inflate 64 MB at once)


def test_gzip_and_deflate_bodies_within_the_limit_are_read(raw_server):
    base, routes = raw_server
    text = "Kestrel update\n\n" + "Output rose. " * 5000
    routes["/ok.txt"] = (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, gzip.compress(text.encode()))
    import zlib

    routes["/deflate.txt"] = (200, {"Content-Type": "text/plain", "Content-Encoding": "deflate"}, zlib.compress(text.encode()))
    for path in ("/ok.txt", "/deflate.txt"):
        assert fetch_url(f"{base}{path}", Settings()).content == text.encode()


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("http://127.0.0.1/feed.xml", True),
        ("http://10.0.0.1/", True),
        ("http://169.254.169.254/latest/meta-data/", True),
        ("http://[::1]:8080/", True),
        ("http://[::ffff:127.0.0.1]/", True),
        ("http://0.0.0.0/", True),
        ("http://224.0.0.1/", True),
        ("https://93.184.216.34/index.html", False),
        ("https://[2606:2800:220:1:248:1893:25c8:1946]/", False),
    ],
)
def test_is_private_address(url, private):
    assert is_private_address(url) is private


def test_localhost_resolves_to_a_private_address():
    assert is_private_address("http://localhost:8000/")


def test_private_addresses_are_refused_only_when_asked(http_server):
    url = http_server.set("/private.txt", "Kestrel update\n\nOutput rose.\n", content_type="text/plain")
    with pytest.raises(SourceError, match=r"may not reach private or loopback addresses \(set ASSAY_FETCH_PRIVATE_LINKS=true"):
        fetch_url(url, Settings(), allow_private=False)
    assert fetch_url(url, Settings()).content.startswith(b"Kestrel")  # allowed by default


def test_a_redirect_to_a_private_address_is_refused(raw_server, monkeypatch):
    base, routes = raw_server
    routes["/public"] = (302, {"Location": f"{base}/internal/secrets"}, b"")
    routes["/internal/secrets"] = (200, {"Content-Type": "text/plain"}, b"secret")
    # The loopback server stands in for the internet: only /internal counts as private here.
    monkeypatch.setattr(assay.sources, "is_private_address", lambda url: "/internal" in url)
    with pytest.raises(SourceError, match=r"/public \(redirected to .*/internal/secrets\): links found in feeds may not reach"):
        fetch_url(f"{base}/public", Settings(), allow_private=False)
    assert fetch_url(f"{base}/public", Settings()).content == b"secret"


def test_too_many_redirects_is_a_source_error(raw_server):
    base, routes = raw_server
    routes["/loop"] = (302, {"Location": f"{base}/loop"}, b"")
    with pytest.raises(SourceError, match="more than 10 redirects"):
        fetch_url(f"{base}/loop", Settings())


if __name__ == "__main__":
    write_fixtures()
    print(f"wrote {len(CASES)} fixtures to {FIXTURES}")
    for case in CASES:
        print(f"  {case.file}: {len(case.data()):,} bytes")


def test_the_sample_feed_exported_as_text_files_keeps_titles_and_bodies(tmp_path):
    """All 25 sample articles as plain-text exports (title line, one paragraph per line, no blank lines)."""
    import difflib

    from assay.articles import sample_articles, to_article
    from assay.readers import content_type_for, parse
    from assay.settings import Settings
    from assay.sources import read_file

    for article in sample_articles():
        path = tmp_path / f"{article.id}.txt"
        path.write_text("\n".join([article.title, *(p for p in article.body.split("\n\n") if p.strip())]) + "\n", encoding="utf-8")
        _, _, (item,) = parse(read_file(str(path), Settings(), content_type_for(".txt")))
        got = to_article(item)
        assert got.title == article.title
        assert len(got.body.split("\n\n")) > 1
        ratio = difflib.SequenceMatcher(None, " ".join(article.body.split()), " ".join(got.body.split())).ratio()
        assert ratio >= 0.95, (article.title, ratio)


def test_an_impossible_front_matter_date_is_a_note_not_a_crash():
    from assay.readers import parse
    from assay.types import Fetched

    text = "---\ntitle: Lynas update\ndate: 2026-02-30\n---\n\nLynas Rare Earths shipped NdPr oxide from Kalgoorlie this week.\n"
    _, _, (item,) = parse(Fetched(source="notes/lynas.md", content=text.encode(), content_type="text/plain"))
    assert item.published is None and any("front matter ignored" in n for n in item.notes)


def test_a_text_file_that_mentions_the_pdf_header_is_text():
    from assay.readers import parse
    from assay.types import Fetched, SourceKind

    text = "Notes on file formats\n\nA PDF file starts with %PDF-1.7 and a binary comment line, then its objects.\n"
    kind, _, (item,) = parse(Fetched(source="notes/formats.md", content=text.encode(), content_type="text/markdown"))
    assert kind is SourceKind.file and "starts with %PDF-1.7" in item.content


@pytest.mark.parametrize(
    ("opening", "agency"),
    [
        ("LAS VEGAS, March 03, 2026 (GLOBE NEWSWIRE) -- MP Materials Corp. today announced", "GlobeNewswire"),
        ("NEW YORK, Jan. 5, 2026 /PRNewswire/ -- Acme Corp today announced", "PR Newswire"),
        ("TOKYO (Kyodo) -- Japan will fund a rare earth stockpile", "Kyodo"),
        # written here: TASS's full stops, a price reporter's name and day before a colon, a story from two cities
        ("ASTANA, December 3. /TASS/. Kazakhstan and Russia have agreed to study joint processing", "TASS"),
        ("SMM, Dec 3: Spot prices of NdPr oxide in China were flat on Wednesday", "SMM"),
        ("TOKYO/BEIJING, Dec 4 (Reuters) - Japan and the United States voiced concern", "Reuters"),
        ("TOKYO, Dec. 4 Kyodo - Japan and the United States agreed Thursday to cooperate", "Kyodo"),  # Kyodo's own, no brackets
        ("LA ROCHELLE, France — Rochefort Chimie has restarted its line", None),
        ("Reuters reported (Reuters) only later in the piece" + " x" * 80 + " (Xinhua)", "Reuters"),
    ],
)
def test_a_text_files_dateline_names_its_publisher(opening, agency):
    from assay.readers.opening import dateline_agency

    assert dateline_agency(["", opening, "(Xinhua) in a later paragraph"]) == agency
    assert dateline_agency(["By Melanie Burton", "", opening]) == agency  # wire copy's byline sits above the dateline
    assert dateline_agency(["By 2030, demand doubles.", "", opening]) is None  # a sentence, not a byline: the first paragraph
    # (a line that ends no sentence right above a dateline is a release's deck, passed over: tests/test_opening.py)


def test_a_text_files_byline_is_its_author(tmp_path: Path):
    path = tmp_path / "lynas.txt"
    path.write_text("Lynas lifts NdPr output\n\nBy Melanie Burton and Ernest Scheyder\n\n"
                    "SYDNEY, Feb 10, 2026 (Reuters) - Lynas Rare Earths said on Tuesday it had lifted NdPr output by 12% in the quarter.\n")
    article, _ = read_article(path)
    assert (article.author, article.source) == ("Melanie Burton and Ernest Scheyder", "Reuters")
    assert article.body.startswith("By Melanie Burton")  # the byline stays in the text the user gave


def test_a_notice_under_its_ministry_s_name_and_a_newsletter_issue_name_their_publishers(tmp_path: Path):
    """Seen on texts nobody here labelled: a ministry's name in title case over its notice's title (a
    blank line between), and a newsletter titled with its issue."""
    notice = tmp_path / "notice.txt"
    notice.write_text("Ministry of Industry and Information Technology of the People's Republic of China\n\n"
                      "Notice on Issuing the Total Amount Control Indicators for Rare Earth Mining for 2026\n\nDecember 1, 2026\n\n"
                      "The total amount control indicator for rare earth mining in 2026 is 270,000 tonnes of rare earth oxide.\n")
    article, _ = read_article(notice)
    assert article.title == "Notice on Issuing the Total Amount Control Indicators for Rare Earth Mining for 2026"
    assert article.source == "Ministry of Industry and Information Technology of the People's Republic of China"
    issue = tmp_path / "ledger.md"
    issue.write_text("# The Magnet Ledger — Week 48\n\nThe European Commission proposed on Tuesday a 25% duty on sintered NdFeB "
                     "magnets imported from China, to take effect in July 2027.\n")
    article, notes = read_article(issue)
    assert article.source == "The Magnet Ledger" and "source taken from the title: The Magnet Ledger" in notes


def test_a_copied_social_post_and_a_report_dated_in_its_title(tmp_path: Path):
    """Seen on texts nobody here labelled: a thread copied with its header line, a price report whose
    only date ends its title."""
    post = tmp_path / "thread.txt"
    post.write_text("Ray Kessler (@raykessler_metals) · Nov 30, 2026\n\n🚨 THREAD: China just quietly cut heavy rare earth "
                    "export licences again. Here's what nobody is telling you. 🧵\n\n1/ MOFCOM approved only 41 licences.\n")
    article, _ = read_article(post)
    assert (article.title, article.author, article.source) == (
        "THREAD: China just quietly cut heavy rare earth export licences again.", "Ray Kessler", "@raykessler_metals")
    assert article.published == datetime(2026, 11, 30, tzinfo=UTC)
    assert article.body.startswith("🚨 THREAD: China") and "@raykessler_metals" not in article.body  # the post stays whole
    # An unrolled thread's header: "Thread by @handle (Name) on <date>".
    post.write_text("Thread by @REminingwatch (Rare Earth Mining Watch) on 28 Nov 2026\n\n1/ Big news from Lynas today: first heavy "
                    "rare earth production at Kalgoorlie is now expected in Q2 2027. 🧵\n\n2/ Follow for more rare earths news.\n")
    article, _ = read_article(post)
    assert (article.author, article.source, article.published) == ("Rare Earth Mining Watch", "@REminingwatch", datetime(2026, 11, 28, tzinfo=UTC))
    assert article.body.startswith("1/ Big news") and article.title.startswith("Big news from Lynas today")
    report = tmp_path / "prices.txt"
    report.write_text("Asian Rare Earth Price Watch — 28 November 2026\n\nNdPr oxide rose for a third straight week as magnet "
                      "makers restocked ahead of the December quota announcement.\n")
    article, notes = read_article(report)
    assert article.published == datetime(2026, 11, 28, tzinfo=UTC) and any(n.startswith("dated from its title") for n in notes)


def test_an_outlook_dated_by_its_month_alone(tmp_path: Path):
    """Seen on an outlook written here: "November 2026" under the title left it undated. A month alone
    on its line dates it to the month's first day, saying so; a month inside a sentence is text."""
    outlook = tmp_path / "outlook.txt"
    outlook.write_text("Rare Earths Outlook\n\nNovember 2026\n\nBy Jane Smith\n\nNdPr oxide prices rose 12% in the third quarter.\n")
    article, notes = read_article(outlook)
    assert article.published == datetime(2026, 11, 1, tzinfo=UTC)
    assert any("gives the month only: taken as its first day" in n for n in notes)
    # The note says how to give another date; it had read "(a front matter `date:` line says otherwise)", as if the file
    # had one (a wire's yearless dateline, forty-third session). And such a line does.
    assert any(n.endswith("(to give another, start the file with a front matter `date:` line)") for n in notes)
    outlook.write_text("---\ndate: 2026-11-20\n---\n" + outlook.read_text())
    assert read_article(outlook)[0].published == datetime(2026, 11, 20, tzinfo=UTC)
    outlook.write_text("Rare Earths Outlook\n\nPublished: Sept. 2026\n\nNdPr oxide prices rose 12% in the third quarter.\n")
    assert read_article(outlook)[0].published == datetime(2026, 9, 1, tzinfo=UTC)
    outlook.write_text("Rare Earths Outlook\n\nIn November 2026 NdPr oxide prices rose 12% as export licences slowed.\n")
    assert read_article(outlook)[0].published is None


def test_markdown_footnotes_and_a_notice_s_numbered_clauses(tmp_path: Path):
    """Seen on a Markdown analysis and a ministry's notice written here: "[^1]" markers and their notes
    were statements (the notes highlights too); a notice's "(1) …" clauses kept their numbers, and its
    lead-in "…hereby announced as follows:" was a statement."""
    from assay.statements import statements

    analysis = tmp_path / "terbium.md"
    analysis.write_text("# Terbium after the controls\n\nChina exported 11.2 tonnes of terbium products in October.[^1] "
                        "Japan took the largest share, 4.8 tonnes.[^2]\n\n[^1]: China General Administration of Customs, "
                        "October 2026 trade data.\n[^2]: Ibid.\n")
    article, _ = read_article(analysis)
    assert [s.text for s in statements(article)] == [
        "China exported 11.2 tonnes of terbium products in October.", "Japan took the largest share, 4.8 tonnes."]
    assert "October.[1] Japan" in article.body and "Notes" in [s.heading for s in article.sections]
    notice = tmp_path / "notice.txt"
    notice.write_text("Announcement No. 18 of 2025 on Export Control on Certain Rare Earth Items\n\nApril 4, 2025\n\n"
                      "It is decided to implement export control on the following items. The relevant matters are hereby "
                      "announced as follows:\n\n(1) Samarium-related items, including samarium metal and samarium-cobalt alloy.\n\n"
                      "(2) Gadolinium, terbium, dysprosium, lutetium, scandium and yttrium, in metal and oxide forms.\n")
    article, _ = read_article(notice)
    assert [s.text for s in statements(article)] == [
        "It is decided to implement export control on the following items.",
        "Samarium-related items, including samarium metal and samarium-cobalt alloy.",
        "Gadolinium, terbium, dysprosium, lutetium, scandium and yttrium, in metal and oxide forms."]


def _read_text(tmp_path: Path, text: str) -> tuple[Article, list[str]]:
    path = tmp_path / "saved.txt"
    path.write_text(text)
    return read_article(path)


@pytest.mark.parametrize(
    ("text", "title", "source", "published"),
    [
        # an ASX quarterly report: its label, date and issuer lines above its title
        ("ASX ANNOUNCEMENT\n29 October 2026\n\nKestrel Rare Earths Limited (ASX: KRE)\n"
         "Quarterly Activities Report for the period ending 30 September 2026\n\n"
         "The Definitive Feasibility Study for the Mt Weston Rare Earths Project was completed during the quarter.\n",
         "Quarterly Activities Report for the period ending 30 September 2026", "Kestrel Rare Earths Limited", datetime(2026, 10, 29, tzinfo=UTC)),
        # written here (thirtieth session): a report named with its period had been the publisher, "ASX ANNOUNCEMENT" the title
        ("ASX ANNOUNCEMENT\n29 October 2026\n\nPLS Group Limited (ASX: PLS)\n\nSeptember Quarter Activities Report\n\nHighlights\n"
         "• Spodumene concentrate production of 221,400 dmt\n\nOperations\nProduction of 221,400 dmt was 8% higher than the previous quarter.\n",
         "September Quarter Activities Report", "PLS Group Limited", datetime(2026, 10, 29, tzinfo=UTC)),
        # a Japanese company's release: its date over its issuer's name
        ("November 28, 2026\nShin-Etsu Chemical Co., Ltd.\n\nShin-Etsu Chemical to Expand Rare Earth Magnet Production Capacity in Japan\n\n"
         "Shin-Etsu Chemical Co., Ltd. has decided to invest approximately 30 billion yen in its Takefu Plant.\n",
         "Shin-Etsu Chemical to Expand Rare Earth Magnet Production Capacity in Japan", "Shin-Etsu Chemical Co., Ltd.",
         datetime(2026, 11, 28, tzinfo=UTC)),
        # written here (twenty-fifth session): a broker's masthead had been the title, and the note published by its folder
        ("Harbourline Securities | Morning Note | 3 December 2026\n\nLynas Rare Earths (LYC.AX): Samarium expansion a modest positive; "
         "reiterate Buy\n\nAnalyst: Priya Raman, CFA\n\n- Lynas announced a A$60m expansion of samarium oxide capacity to 400tpa by end-2027.\n",
         "Lynas Rare Earths (LYC.AX): Samarium expansion a modest positive; reiterate Buy", "Harbourline Securities", datetime(2026, 12, 3, tzinfo=UTC)),
        # a White House fact sheet under the house's name, and a chairman's address with its issuer's line in bold
        ("FACT SHEET: President Secures Historic Critical Minerals Partnership with Kazakhstan\n\nThe White House\nDecember 2, 2026\n\n"
         "Today, the President secured a historic agreement with the Republic of Kazakhstan.\n",
         "FACT SHEET: President Secures Historic Critical Minerals Partnership with Kazakhstan", "The White House", datetime(2026, 12, 2, tzinfo=UTC)),
        ("# Chairman's Address to the 2026 Annual General Meeting\n\n**Kestrel Rare Earths Limited (ASX: KRE) — 27 November 2026**\n\n"
         "This has been a transformational year for your company.\n",
         "Chairman's Address to the 2026 Annual General Meeting", "Kestrel Rare Earths Limited", datetime(2026, 11, 27, tzinfo=UTC)),
        # written here (twenty-sixth session): the Commission's label over its title had been the title, the folder the publisher
        ("European Commission - Press release\n\nCommission selects 13 new Strategic Projects to secure supply of gallium\n\n"
         "Brussels, 4 December 2026\n\nToday, the Commission selected 13 new Strategic Projects under the Critical Raw Materials Act.\n",
         "Commission selects 13 new Strategic Projects to secure supply of gallium", "European Commission", datetime(2026, 12, 4, tzinfo=UTC)),
        # a rule's running head had been its title, and the rule undated
        ("Federal Register / Vol. 91, No. 232 / Friday, December 4, 2026 / Rules and Regulations\n\nDEPARTMENT OF COMMERCE\n\n"
         "Bureau of Industry and Security\n\n15 CFR Parts 742 and 774\n\n[Docket No. 261130-0318]\n\nRIN 0694-AJ87\n\n"
         "Additions of Gallium and Germanium Refining Items to the Commerce Control List\n\nAGENCY: Bureau of Industry and Security, Commerce.\n\n"
         "SUMMARY: In this interim final rule, BIS amends the Export Administration Regulations.\n",
         "Additions of Gallium and Germanium Refining Items to the Commerce Control List", "Department of Commerce", datetime(2026, 12, 4, tzinfo=UTC)),
        # a Tokyo-listed company's notice: its company's field had been the title, "Inquiries: …" the publisher
        ("December 4, 2026\n\nCompany name: DOWA HOLDINGS CO., LTD.\nName of representative: Akira Sekiguchi, President and CEO\n"
         "(Securities code: 5714; Prime Market of the Tokyo Stock Exchange)\nInquiries: Kenji Tanaka, General Manager, Corporate Planning\n"
         "(Telephone: +81-3-6847-1106)\n\nNotice Regarding Investment in a Gallium Recovery Facility\n\n"
         "DOWA HOLDINGS CO., LTD. (the \"Company\") hereby announces that its Board of Directors resolved to construct a facility.\n",
         "Notice Regarding Investment in a Gallium Recovery Facility", "Dowa Holdings Co., Ltd.", datetime(2026, 12, 4, tzinfo=UTC)),
        # a show's episode, published by its show (it had been by its folder)
        ("Critical Metals Weekly, Episode 112: The Antimony Shock\nPublished December 3, 2026\n\nJane Morrow (00:00:04):\n"
         "Welcome back. With me is David Okafor.\n\nDavid Okafor (00:00:15):\nThanks, Jane.\n\nJane Morrow (00:00:18):\nSo antimony.\n",
         "Critical Metals Weekly, Episode 112: The Antimony Shock", "Critical Metals Weekly", datetime(2026, 12, 3, tzinfo=UTC)),
        # a commerce ministry's press conference, dated by its title's bracketed day (it had been undated, and its folder's)
        ("MOFCOM Regular Press Conference (December 4, 2026)\n\nReporter: What is MOFCOM's response to the US rule?\n\n"
         "He Yadong: China will take necessary measures to firmly safeguard its rights.\n\nReporter: Can you confirm the export figures?\n\n"
         "He Yadong: China exported 5,230 tonnes of rare earths in November.\n",
         "MOFCOM Regular Press Conference (December 4, 2026)", "MOFCOM", datetime(2026, 12, 4, tzinfo=UTC)),
        # an act of the Union, as the Official Journal titles it (it had been published by its folder)
        ("REGULATION (EU) 2024/1252 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL\n\nof 11 April 2024\n\nestablishing a framework for "
         "ensuring a secure and sustainable supply of critical raw materials\n\nWhereas:\n\n(1) Raw materials are found at the beginning "
         "of all industrial value chains.\n",
         "REGULATION (EU) 2024/1252 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL", "European Union", datetime(2024, 4, 11, tzinfo=UTC)),
        # written here (twenty-seventh session): a trade commission's determination, its address the title and undated
        ("UNITED STATES INTERNATIONAL TRADE COMMISSION\nWashington, DC 20436\n\nInvestigation No. 731-TA-1712 (Final)\n\n"
         "Sintered Neodymium-Iron-Boron Magnets from China\n\nDETERMINATION\n\nOn the basis of the record, the Commission determines "
         "that an industry in the United States is materially injured by reason of imports of magnets from China.\n\n"
         "By order of the Commission.\n\nIssued: December 2, 2026\n\nLisa R. Barton\nSecretary to the Commission\n",
         "Sintered Neodymium-Iron-Boron Magnets from China", "United States International Trade Commission", datetime(2026, 12, 2, tzinfo=UTC)),
        # written here (twenty-eighth session): a Malaysian ministry's statement, Malay over English; its Malay name had
        # been the title, "Kenyataan Media" the publisher, and its headline in capitals was passed over as a letterhead
        ("KENYATAAN MEDIA\nMEDIA STATEMENT\n\nKEMENTERIAN PELABURAN, PERDAGANGAN DAN INDUSTRI\nMINISTRY OF INVESTMENT, TRADE AND INDUSTRY\n\n"
         "GOVERNMENT APPROVES LYNAS MALAYSIA'S HEAVY RARE EARTHS EXPANSION\n\nKUALA LUMPUR, 3 December 2026 – The Government has "
         "approved Lynas Malaysia Sdn Bhd's application to expand its heavy rare earths separation capacity.\n",
         "GOVERNMENT APPROVES LYNAS MALAYSIA'S HEAVY RARE EARTHS EXPANSION", "Ministry of Investment, Trade and Industry",
         datetime(2026, 12, 3, tzinfo=UTC)),
        # a Nikkei story's byline gives its writer's post ("KENJI SATO, Nikkei staff writer"): it had been published by its folder
        ("Japan to fund rare earth recycling plants in bid to cut China reliance\n\nKENJI SATO, Nikkei staff writer\n"
         "December 4, 2026 18:02 JST\n\nTOKYO -- Japan's Ministry of Economy, Trade and Industry will subsidize up to half the cost "
         "of new plants that recover rare earths.\n",
         "Japan to fund rare earth recycling plants in bid to cut China reliance", "Nikkei", datetime(2026, 12, 4, tzinfo=UTC)),
        # a think tank's brief dated by its masthead's month ("… | Policy Brief No. 14 | November 2026"), undated before
        ("Breaking the Chokehold: Allied Options for Heavy Rare Earths\n\nCenter for Strategic Minerals Policy | Policy Brief No. 14 | "
         "November 2026\n\nKey Findings\n\n1. China accounts for more than 99 percent of global heavy rare earth separation capacity.\n",
         "Breaking the Chokehold: Allied Options for Heavy Rare Earths", "Center for Strategic Minerals Policy", datetime(2026, 11, 1, tzinfo=UTC)),
        # written here (thirty-first session): an RNS announcement had been titled by its number, "RNS Number : 4821T"
        ("RNS Number : 4821T\nMkango Resources Ltd\n02 December 2026\n\nMkango Resources Ltd. (AIM/TSX-V: MKA)\n\n"
         "Songwe Hill Rare Earths Project Secures US$85 Million Debt Package\n\nMkango Resources Ltd. (\"Mkango\" or the \"Company\") "
         "is pleased to announce that its subsidiary has signed a term sheet for a US$85 million senior debt facility.\n",
         "Songwe Hill Rare Earths Project Secures US$85 Million Debt Package", "Mkango Resources Ltd", datetime(2026, 12, 2, tzinfo=UTC)),
        # a Newsfile release, its date inside the distributor's brackets: undated and published by its folder
        ("Aclara Resources Announces Positive Pre-Feasibility Study for Carolina Heavy Rare Earths Project\n\n"
         "News Provided By Aclara Resources Inc.\n\nVancouver, British Columbia--(Newsfile Corp. - December 1, 2026) - Aclara "
         "Resources Inc. (TSX: ARA) (\"Aclara\" or the \"Company\") is pleased to announce the results of the pre-feasibility study.\n",
         "Aclara Resources Announces Positive Pre-Feasibility Study for Carolina Heavy Rare Earths Project", "Aclara Resources Inc.",
         datetime(2026, 12, 1, tzinfo=UTC)),
        # a fact sheet's day among its masthead's parts: it had been undated
        ("Critical Minerals Production Tax Incentive\n\nFact sheet | Department of Industry, Science and Resources | Updated 1 December 2026\n\n"
         "The incentive is a refundable tax offset equal to 10% of eligible expenditure on processing.\n",
         "Critical Minerals Production Tax Incentive", "Department of Industry, Science and Resources", datetime(2026, 12, 1, tzinfo=UTC)),
    ],
)
def test_the_lines_a_release_prints_above_its_title_name_its_publisher_and_date(tmp_path: Path, text, title, source, published):
    """Seen on releases nobody here labelled."""
    article, _ = _read_text(tmp_path, text)
    assert (article.title, article.source, article.published) == (title, source, published)


def test_a_shanghai_listed_company_s_announcement_leaves_its_header_guarantee_and_closing_out(tmp_path: Path):
    """Written here (twenty-seventh session): China Northern Rare Earth's quarterly concentrate price, as the
    Shanghai exchange's announcements are written in English. Its header had been its title, the board's
    guarantee two statements, "It is hereby announced." and the board's name statements, and it was undated."""
    text = ("Securities Code: 600111    Securities Abbreviation: Northern Rare Earth    Announcement No.: 2026-071\n\n"
            "China Northern Rare Earth (Group) High-Tech Co., Ltd.\n"
            "Announcement on Adjusting the Price of Rare Earth Concentrate for the First Quarter of 2027\n\n"
            "The Board of Directors and all directors of the Company guarantee that there are no false records, misleading "
            "statements or major omissions in the contents of this announcement.\n\n"
            "The adjusted price represents an increase of 4.6% compared with the price of RMB 18,269 per ton in the fourth quarter.\n\n"
            "It is hereby announced.\n\nBoard of Directors of China Northern Rare Earth (Group) High-Tech Co., Ltd.\nDecember 5, 2026\n")
    article, _ = _read_text(tmp_path, text)
    assert (article.title, article.source, article.published) == (
        "Announcement on Adjusting the Price of Rare Earth Concentrate for the First Quarter of 2027",
        "China Northern Rare Earth (Group) High-Tech Co., Ltd.", datetime(2026, 12, 5, tzinfo=UTC))
    assert article.body == "The adjusted price represents an increase of 4.6% compared with the price of RMB 18,269 per ton in the fourth quarter."
    assert source_type(article) == SourceType.company_release
    # Without a company's line, its abbreviation names it.
    article, _ = _read_text(tmp_path, text.replace("China Northern Rare Earth (Group) High-Tech Co., Ltd.\nAnnouncement", "Announcement"))
    assert article.source == "Northern Rare Earth"
    # A PDF's lines: no blank line ends the guarantee, its full stop does.
    from assay.readers.announcements import exchange_announcement
    lines = [line for line in text.split("\n") if line]
    lines[3:4] = ["The Board of Directors and all directors of the Company guarantee that there are no false records, misleading",
                  "statements or major omissions in the contents of this announcement."]
    found = exchange_announcement(lines, blank_lines_part_paragraphs=False)
    assert found is not None and [line for i, line in enumerate(lines) if i not in found.dropped] == [lines[5]]


def test_a_newsletter_post_pasted_from_its_page(tmp_path: Path):
    """Written here (twenty-seventh session): a Substack post pasted as text. The newsletter's name over the title
    had been the title and its folder the publisher; the writer's name alone over the day no byline; its buttons
    ("Share", "Subscribe") stayed in the text and its sign-up prompt was a statement."""
    from assay.statements import statements

    article, notes = _read_text(tmp_path, "The Oxide Letter\nWhy the NdPr floor price is a trap\n\nMarta Quintero\nDec 3, 2026\n\nShare\n\n"
                                          "The Pentagon's $110/kg NdPr floor was supposed to make Western separation bankable.\n\nSubscribe\n\n"
                                          "Thanks for reading The Oxide Letter! Subscribe for free to receive new posts and support my work.\n\n"
                                          "I think the floor will outlive its usefulness by 2028.\n\nLeave a comment\n")
    assert (article.title, article.source, article.author, article.published) == (
        "Why the NdPr floor price is a trap", "The Oxide Letter", "Marta Quintero", datetime(2026, 12, 3, tzinfo=UTC))
    assert not {"Share", "Subscribe", "Leave a comment"} & set(article.body.split("\n"))
    assert [s.text for s in statements(article)] == [
        "The Pentagon's $110/kg NdPr floor was supposed to make Western separation bankable.", "I think the floor will outlive its usefulness by 2028."]
    # A dek in title case over the day is no writer: its words are the text's own.
    article, _ = _read_text(tmp_path, "NdPr outlook\n\nPrices Rise Again\nDec 3, 2026\n\nNdPr prices rise again as buyers restock ahead of the quota.\n")
    assert article.author is None
    # Nor is an organisation by its trade word ("Benchmark Minerals") over the day.
    article, _ = _read_text(tmp_path, "NdPr outlook\n\nBenchmark Minerals\nDec 3, 2026\n\nNdPr prices were flat as buyers waited.\n")
    assert article.author is None


def test_a_forum_post_and_a_french_byline(tmp_path: Path):
    """Written here (twenty-seventh session): a Reddit post copied with its header had the community as its title and
    its folder as publisher; a French story's "Par Claire Dubois" named no writer."""
    article, _ = _read_text(tmp_path, "r/RareEarths\nPosted by u/separation_guy\n3 hr. ago\n\n"
                                      "MP Materials Q3: NdPr output up 51% but realised price still below $60/kg\n\n"
                                      "So MP reported this morning. NdPr oxide production was 721 tonnes in Q3.\n\n142 comments\nShare\nSave\n")
    assert (article.title, article.author, article.source, article.published) == (
        "MP Materials Q3: NdPr output up 51% but realised price still below $60/kg", "u/separation_guy", "r/RareEarths", None)
    assert article.body.startswith("So MP reported this morning.")
    article, _ = _read_text(tmp_path, "Terres rares : Paris et Tokyo s'allient\n\nPar Claire Dubois\nPublié le 3 déc. 2026 à 18:05\n\n"
                                      "La France et le Japon ont signé mercredi un accord de coopération sur les terres rares.\n")
    assert (article.author, article.published) == ("Claire Dubois", datetime(2026, 12, 3, tzinfo=UTC))


def test_a_parliament_s_written_answer(tmp_path: Path):
    """Written here (twenty-seventh session): a UK written question and its answer as the parliament's site prints
    them. Its site's heading had been the title, the day the question was tabled its date, the publication news,
    and the question and the answer's caveat statements."""
    from assay.statements import statements

    article, _ = _read_text(tmp_path, "UK Parliament\nWritten questions, answers and statements\n\nCritical Minerals: Rare Earth Elements\n"
                                      "Question for Department for Business and Trade\nUIN HL4123, tabled on 20 November 2026\n\nAsked by Lord Hartwell\n\n"
                                      "To ask His Majesty's Government what assessment they have made of the UK's dependence on China for sintered "
                                      "rare earth magnets; and what steps they are taking to secure alternative supplies.\n\n"
                                      "Answered on 3 December 2026 by Baroness Cole of Meadowbank\n\n"
                                      "The UK imported around 2,800 tonnes of rare earth magnets in 2025, of which around 90% came from China.\n\n"
                                      "The answer is accurate as of the date it was given.\n")
    assert (article.title, article.source, article.published) == (
        "Critical Minerals: Rare Earth Elements", "UK Parliament", datetime(2026, 12, 3, tzinfo=UTC))
    assert source_type(article) == SourceType.government
    assert [s.text for s in statements(article)] == [
        "The UK imported around 2,800 tonnes of rare earth magnets in 2025, of which around 90% came from China."]


def test_a_wire_story_s_rail_of_other_headlines_and_its_contacts_are_no_text(tmp_path: Path):
    """Written here (twenty-seventh session): a Bloomberg story pasted with its "Most Read from Bloomberg" rail
    and its reporters' and editors' addresses under "--With assistance from"; both had stayed in the text."""
    article, _ = _read_text(tmp_path, "China's Dysprosium Prices Jump\n\nBy Alfred Cang\nDecember 4, 2026\n\n"
                                      "(Bloomberg) -- Prices of dysprosium oxide in China surged to the highest in two years.\n\n"
                                      "Most Read from Bloomberg\nFed Officials Signal Patience on Rate Cuts\nOil Heads for Weekly Loss\n\n"
                                      "Dysprosium oxide rose 6.1% to 1,920 yuan a kilogram in Shanghai on Thursday.\n\n"
                                      "--With assistance from Dan Murtaugh.\n\nTo contact the reporters on this story:\n"
                                      "Alfred Cang in Singapore at acang@bloomberg.net\n\nTo contact the editors responsible for this story:\n"
                                      "Ramsey Al-Rikabi at ralrikabi@bloomberg.net\n\n©2026 Bloomberg L.P.\n")
    assert "Fed Officials" not in article.body and "Most Read" not in article.body and "contact" not in article.body
    assert "Dysprosium oxide rose 6.1%" in article.body and article.body.endswith("--With assistance from Dan Murtaugh.")


def test_a_title_with_its_day_after_a_dash_is_still_the_title(tmp_path: Path):
    """A State Department briefing written here: a publisher's name and a release's label between dashes are
    above the title ("European Commission - Press release"); a title and its day are not."""
    article, _ = _read_text(tmp_path, "Department Press Briefing – December 3, 2026\n\nMatthew Miller, Spokesperson\n\n"
                                      "MR MILLER: Good afternoon. Today the Secretary signed a memorandum on critical minerals.\n")
    assert (article.title, article.published) == ("Department Press Briefing – December 3, 2026", datetime(2026, 12, 3, tzinfo=UTC))
    assert article.source == "U.S. Department of State" and source_type(article) == SourceType.government  # as the State Department titles them


def test_a_credit_line_is_no_heading(tmp_path: Path):
    """Seen on a state-media story nobody here labelled."""
    article, _ = _read_text(tmp_path, "China's rare earth output hits record\n\nSource: Xinhua | Editor: Li Wei | 2026-11-27\n\n"
                                      "BAOTOU, Nov. 27 (Xinhua) -- China's output of rare earth products hit a record high in the first ten months.\n")
    assert [s.heading for s in article.sections if s.heading] == [] and article.source == "Xinhua"


def test_a_network_post_s_header_gives_its_author(tmp_path: Path):
    """Seen on a post copied from a professional network nobody here labelled."""
    article, notes = _read_text(tmp_path, "Jane Okafor • 2nd\nCEO at Meridian Magnetics | Building the Western magnet supply chain\n"
                                          "3d • Edited\n\nBig news: Meridian Magnetics just closed a $45M Series B to build our first "
                                          "magnet line in Ohio. 🎉\n")
    assert (article.title, article.author, article.source, article.published) == (
        "Big news: Meridian Magnetics just closed a $45M Series B to build our first magnet line in Ohio.", "Jane Okafor", "Jane Okafor", None)
    assert article.body.startswith("Big news") and any("CEO at Meridian Magnetics" in n for n in notes)


def test_a_terminal_s_story_is_published_by_its_agency(tmp_path: Path):
    """A Bloomberg story as a terminal exports it: headline, a time stamp, the byline, then "(Bloomberg) --".
    The time stamp was no date line, so the dateline under it was never read, and the folder published it."""
    article, notes = _read_text(tmp_path, "China Northern Rare Earth Raises NdPr Prices for Third Month\n\n2026-11-27 08:14:22.512 GMT\n\n"
                                          "By Alfred Cang\n\n(Bloomberg) -- China Northern Rare Earth Group High-Tech Co. raised its "
                                          "listed price for NdPr oxide for a third month.\n")
    assert (article.source, article.author, article.published) == ("Bloomberg", "Alfred Cang", datetime(2026, 11, 27, tzinfo=UTC))


def test_a_company_page_s_post_is_published_by_the_company(tmp_path: Path):
    """A company's post copied from its page: its name, its followers and when, then the text. The
    source was "files" and the followers and "3d • Edited" were the body's first statements."""
    article, _ = _read_text(tmp_path, "MP Materials\n48,211 followers\n3d • Edited\n\nToday we shipped the first commercial "
                                      "volumes of NdFeB magnets from Fort Worth to General Motors.\n\nWe expect to reach 1,000 "
                                      "tonnes of annual magnet capacity by the end of 2027.\n")
    assert (article.source, article.author, article.published) == ("MP Materials", "MP Materials", None)
    assert article.title == "Today we shipped the first commercial volumes of NdFeB magnets from Fort Worth to General Motors."
    assert article.body.startswith("Today we shipped") and "followers" not in article.body


def test_a_dateline_that_opens_with_its_date_names_its_agency():
    from assay.readers.opening import dateline_agency

    assert dateline_agency(["March 3, 2026 /PRNewswire/ -- Arafura Rare Earths announced a loan."]) == "PR Newswire"
    assert dateline_agency(["By Jane Doe and John Roe", "February 11, 2026", "", "MELBOURNE, Feb 11 (Reuters) - Lynas said"]) == "Reuters"


def _feed_as_text(articles) -> str:
    """The sample feed as an RSS feed's XML reads with its tags stripped (the shape of the text dump
    a user found beside the feed): the channel's header, then each item's title, link, comments
    link, date and guid on one line, its content below, the comments feed and count after it."""
    from email.utils import format_datetime

    channel = ("Clean Energy Technology | Rare Earth Exchanges https://rareearthexchanges.com Rare Earth Insights & Industry News "
               "Sat, 07 Feb 2026 05:00:31 +0000 en-US hourly 1 https://wordpress.org/?v=6.9.1 "
               "https://rareearthexchanges.com/logo-100x100.png Clean Energy Technology | Rare Earth Exchanges https://rareearthexchanges.com 32 32 ")
    parts = []
    for i, article in enumerate(articles):
        head = f"{article.title} {article.url} {article.url}#respond {format_datetime(article.published)} {article.url} "
        body = "\n\n".join(p for p in article.body.split("\n\n") if p.strip())
        parts.append((channel if i == 0 else "") + head + body + f"\n\n]]>\n{article.url}feed/ 0")
    return "\n".join(parts) + "\n"


def test_a_feed_saved_as_text_is_read_as_its_items():
    """Seen in the shared seeds: the sample feed's text dump was one article of 1,014 statements,
    titled with the channel's header line and undated. It is the feed's items: the same ids (their
    links), titles, dates and bodies as the feed's XML gives."""
    import difflib

    from assay.articles import sample_articles, to_article
    from assay.readers import parse
    from assay.types import Fetched

    articles = sample_articles()
    text = _feed_as_text(articles)
    kind, title, items = parse(Fetched(source="/tmp/seeds/004_feed.txt", content=text.encode(), content_type="text/plain"))
    assert title == "Clean Energy Technology | Rare Earth Exchanges" and len(items) == len(articles)
    for article, item in zip(articles, items):
        got = to_article(item)
        assert (got.id, got.title, got.published, got.source) == (article.id, article.title, article.published, article.source)
        assert difflib.SequenceMatcher(None, got.body, article.body).ratio() > 0.98, article.title
        assert "]]>" not in got.body and "feed/ 0" not in got.body
    # One feed line quoted in an article is no feed: an article stays one article.
    quoted = "How a feed reads\n\nA feed's item line reads: " + text.split("\n", 1)[0][:400] + "\n\nThat is all.\n"
    _, _, (one,) = parse(Fetched(source="/tmp/notes/feeds.txt", content=quoted.encode(), content_type="text/plain"))
    assert one.title == "How a feed reads"


def test_a_feed_with_its_tags_stripped_one_field_to_a_line_is_read_as_its_items():
    """What `sed 's/<[^>]*>//g' feed.xml` leaves: each item's title, link, comments link, date and guid
    on lines of their own, lists without bullets. It was one article titled with the channel's header
    lines; it is the feed's items, with their ids, titles and dates, and the Highlights lists whose
    bullets the tags took (a sub-list under a line ending in ":" too)."""
    import difflib
    import re

    from assay.articles import sample_articles, to_article
    from assay.readers import parse
    from assay.types import Fetched
    from tests.conftest import SAMPLE_FEED

    articles = sample_articles()
    text = re.sub(r"<[^>]*>", "", SAMPLE_FEED.read_text())
    _, title, items = parse(Fetched(source="/tmp/feed-dump.txt", content=text.encode(), content_type="text/plain"))
    assert title == "Clean Energy Technology | Rare Earth Exchanges" and len(items) == len(articles)
    got = [to_article(item) for item in items]
    assert [(a.id, a.title, a.published, a.source) for a in got] == [(a.id, a.title, a.published, a.source) for a in articles]
    assert all(difflib.SequenceMatcher(None, g.body, a.body).ratio() > 0.9 for g, a in zip(got, articles))
    assert all("]]>" not in g.body and not g.body.startswith("Highlights") for g in got)
    # Whole highlights lists, nested ones included; never a body line taken for one.
    assert all(g.highlights == a.highlights[: len(g.highlights)] for g, a in zip(got, articles))
    assert sum(g.highlights == a.highlights for g, a in zip(got, articles)) >= 20


def test_a_highlights_list_without_bullets_is_still_the_highlights():
    from assay.cleaning import text_blocks

    listed = "Highlights\n\nLynas shipped 2,204 tonnes of NdPr.\nMP Materials ramped up magnets.\n\nThe quarter was busy. Output rose.\n"
    assert [b.kind for b in text_blocks(listed)] == ["heading", "item", "item", "paragraph"]
    # A paragraph wrapped under the heading ends a line mid-sentence: no list is made of it.
    wrapped = "Highlights\n\nLynas shipped 2,204 tonnes of NdPr in the quarter while\nMP Materials ramped up magnets.\n\nOutput rose.\n"
    assert "item" not in [b.kind for b in text_blocks(wrapped)]


def test_a_text_in_pages_loses_its_running_header_and_page_numbers():
    """Seen on a quarterly report through `pdftotext` (pages parted by form feeds): "Page 1 of 4" and
    the running header were statements, a paragraph a page break cut was two, and the publisher,
    named only in the header, was "Quarterly Activities Report"."""
    import textwrap

    from assay.articles import to_article
    from assay.readers import parse
    from assay.types import Fetched

    paragraphs = [
        "Lynas Rare Earths Limited (ASX: LYC) today released its quarterly activities report for the three months ended 30 September 2026.",
        "NdPr production was 2,204 tonnes, up 12% on the previous quarter, as the Kalgoorlie processing facility continued its "
        "ramp-up towards nameplate capacity of 12,000 tonnes per annum of rare earth carbonate.",
        "Revenue for the quarter was A$201.6 million, compared with A$133.2 million in the September 2025 quarter, reflecting "
        "higher prices and volumes. The average selling price was A$61.2 per kilogram.",
    ]
    lines = [line for p in paragraphs for line in [*textwrap.wrap(p, 72), ""]]
    header = "Lynas Rare Earths Limited                     Quarterly Report September 2026"
    pages = []
    for number, start in enumerate(range(0, len(lines), 5), 1):
        opening = ["Quarterly Activities Report", "for the period ended 30 September 2026", "", "28 October 2026", ""] if number == 1 else []
        pages.append("\n".join([header, "", *opening, *lines[start : start + 5], "", f"{' ' * 30}Page {number} of 3"]))
    text = "\f\n".join(pages) + "\n"
    _, _, (item,) = parse(Fetched(source="/tmp/Downloads/lynas-quarterly.txt", content=text.encode(), content_type="text/plain"))
    article = to_article(item)
    assert "Page" not in article.body and "Quarterly Report September 2026" not in article.body
    assert "reflecting higher prices and volumes. The average selling price was A$61.2 per kilogram." in article.body
    assert "as the Kalgoorlie processing facility" in article.body
    assert article.source == "Lynas Rare Earths Limited"
    assert any("removed" in note and "page-number lines" in note for note in item.notes)
    # A text with one form feed and nothing repeated is left as written.
    _, _, (one,) = parse(Fetched(source="/tmp/notes/a.txt", content=b"Lynas update\n\nLynas shipped NdPr.\f\nMore follows.\n",
                                 content_type="text/plain"))
    assert "More follows." in to_article(one).body


PASTED = """Skip to main content
Exclusive news, data and analytics for financial market professionals
Reuters home
World
Business
Markets
Sustainability
Sign In
Register
Lynas lifts NdPr output as Kalgoorlie ramps up
By Melanie Burton
October 28, 2026 4:12 AM UTC
Updated 2 hours ago
Item 1 of 2 A worker at the Lynas rare earths processing facility in Kalgoorlie, Australia. REUTERS/Melanie Burton/File Photo
[1/2] A worker at the Lynas rare earths processing facility in Kalgoorlie, Australia. REUTERS/Melanie Burton/File Photo Purchase Licensing Rights, opens new tab
SYDNEY, Oct 28 (Reuters) - Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter, up 12% on the previous quarter, as its Kalgoorlie plant ramped up towards nameplate capacity.
Get a look at the day ahead in Asian and global markets with the Morning Bid Asia newsletter. Sign up here.
Managing director Amanda Lacaze said the company was now the only commercial producer of separated heavy rare earths outside China.
"This is a turning point for the Western supply chain," she told reporters on a call.
Revenue rose to A$201.6 million from A$133.2 million a year earlier, on higher prices and volumes.
Reporting by Melanie Burton in Melbourne; Editing by Jamie Freed
Our Standards: The Thomson Reuters Trust Principles., opens new tab
Suggested Topics:
Commodities
Purchase Licensing Rights
Melanie Burton
Thomson Reuters
Melanie Burton is a senior correspondent covering mining and metals in Australia.
Read Next
Markets
China's rare earth exports fell 12% in October, customs data shows
Share
X
Facebook
Linkedin
Email
Link
"""


def test_a_page_copied_from_a_browser_loses_the_site_s_menus_links_and_captions():
    """Seen on a wire story pasted into a text file: titled "Skip to main content", published by
    "Markets" (a menu item), undated (its date line 13 lines down), with photo captions, a newsletter's
    call to sign up and the correspondent's biography among its statements."""
    from assay.articles import to_article
    from assay.readers import parse
    from assay.statements import statements
    from assay.types import Fetched

    _, _, (item,) = parse(Fetched(source="/tmp/notes/reuters-paste.txt", content=PASTED.encode(), content_type="text/plain"))
    article = to_article(item)
    assert (article.title, article.source) == ("Lynas lifts NdPr output as Kalgoorlie ramps up", "Reuters")
    assert article.published is not None and article.published.date().isoformat() == "2026-10-28"
    said = [s.text for s in statements(article)]
    assert said[0].startswith("Lynas Rare Earths produced 2,204 tonnes") and len(said) == 5
    assert not [s for s in said if "REUTERS/" in s or "newsletter" in s or "senior correspondent" in s]
    for chrome in ("Skip to main content", "Sign In", "Suggested Topics", "Linkedin", "Read Next"):
        assert chrome not in article.body
    # Another site's paste: its menu names the site, which publishes the story; a photo credit is no statement.
    mining = """MINING.COM
News
Markets
Commodities
Events
Subscribe
Lynas posts record quarter as heavy rare earths flow
Staff Writer | October 28, 2026 | 9:12 pm Australia Rare Earths
Lynas Rare Earths (ASX: LYC) reported record NdPr output of 2,204 tonnes for the September quarter, as its Kalgoorlie plant neared nameplate capacity.
The company said it was now separating dysprosium and terbium at its Malaysian plant, the only such operation outside China.
(Image courtesy of Lynas Rare Earths.)
More News
Rio Tinto approves lithium expansion in Argentina
Share this article
Facebook
Twitter
LinkedIn
Email
"""
    _, _, (item,) = parse(Fetched(source="/tmp/notes/mining-paste.txt", content=mining.encode(), content_type="text/plain"))
    article = to_article(item)
    assert (article.title, article.source) == ("Lynas posts record quarter as heavy rare earths flow", "MINING.COM")
    assert [s.text for s in statements(article)][-1].startswith("The company said it was now separating dysprosium")
    assert "Share this article" not in article.body and "Subscribe" not in article.body
    # A text export's own short lines under its title (no menu run at its top, no skip link) stay.
    _, _, (kept,) = parse(Fetched(source="/tmp/notes/lynas.txt", content=b"Lynas Rare Earths\nQuarterly Report\nSeptember 2026\n\n"
                                  b"Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter.\n", content_type="text/plain"))
    assert "Quarterly Report" in to_article(kept).body + kept.title
    # Nor is a run of short lines further down a menu, after a menu at the top: only the top one goes.
    menu_then_list = ("World\nBusiness\nMarkets\nSign In\nLynas update\n\nLynas said output rose in the quarter, as analysts expected.\n\n"
                      "Products\nOxides\nMetals\nAlloys\nMagnets\n\nLynas also said prices rose strongly in the period.\n")
    _, _, (listed,) = parse(Fetched(source="/tmp/notes/list.txt", content=menu_then_list.encode(), content_type="text/plain"))
    assert listed.title == "Lynas update" and "Lynas said output rose" in to_article(listed).body


def test_a_byline_with_the_writer_s_post_names_the_writer_and_a_think_tank_is_an_analyst_s(tmp_path: Path):
    nikkei, _ = _read_text(tmp_path, "Japan to fund recycling plants\n\nKENJI SATO, Nikkei staff writer\nDecember 4, 2026\n\n"
                                     "TOKYO -- Japan's industry ministry will subsidize up to half the cost of new plants.\n")
    assert nikkei.author == "Kenji Sato"
    brief, _ = _read_text(tmp_path, "Breaking the Chokehold\n\nCenter for Strategic Minerals Policy | Policy Brief No. 14 | November 2026\n\n"
                                    "China accounts for more than 99 percent of heavy rare earth separation capacity.\n\n"
                                    "About the authors: Dr. Helen Park is a senior fellow at the Center for Strategic Minerals Policy.\n")
    assert source_type(brief) is SourceType.analyst
    assert [s.text for s in statements(brief)] == ["China accounts for more than 99 percent of heavy rare earth separation capacity."]


@pytest.mark.parametrize(("name", "text", "source", "author", "published", "said"), [
    # Telegram Desktop's copy of a channel's posts: the channel's name and the time over each message
    ("alerts.txt", "Rare Earth Alerts, [04.12.26 09:14]\nMOFCOM says licence applications will now be processed within 30 working days.\n\n"
     "Rare Earth Alerts, [04.12.26 09:15]\nSource: MOFCOM press conference, Dec 4.\n\n"
     "Rare Earth Alerts, [04.12.26 15:02]\nBREAKING: Lynas says its Kalgoorlie plant restarted after a 3-week outage.\n",
     "Rare Earth Alerts", "Rare Earth Alerts", datetime(2026, 12, 4, 9, 14, tzinfo=UTC),
     ["MOFCOM says licence applications will now be processed within 30 working days.",
      "Lynas says its Kalgoorlie plant restarted after a 3-week outage."]),
    # WhatsApp's export of a group: its notice and omitted media out, messages with no full stop still statements
    ("WhatsApp Chat with Rare Earth Traders.txt",
     "04/12/2026, 08:55 - Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n"
     "04/12/2026, 09:02 - Anna Kowalski: Heard from a trader in Ganzhou that separation plants cut runs again this week\n"
     "04/12/2026, 09:10 - Tom Reyes: Fastmarkets has Dy oxide CIF Rotterdam at $850-900/kg, unchanged\n"
     "04/12/2026, 09:11 - Tom Reyes: <Media omitted>\n",
     "Rare Earth Traders", None, datetime(2026, 12, 4, 9, 2, tzinfo=UTC),
     ["Heard from a trader in Ganzhou that separation plants cut runs again this week",
      "Fastmarkets has Dy oxide CIF Rotterdam at $850-900/kg, unchanged"]),
    # an iPhone's export, a US phone's days month first (24 is no month)
    ("chat.txt", "[12/24/26, 9:02:11 AM] Anna Kowalski: Separation plants cut runs again this week.\n"
     "[12/24/26, 9:05:40 PM] Anna Kowalski: Feed from Myanmar is still stuck at the border.\n",
     "Anna Kowalski", "Anna Kowalski", datetime(2026, 12, 24, 9, 2, tzinfo=UTC),
     ["Separation plants cut runs again this week.", "Feed from Myanmar is still stuck at the border."]),
])
def test_a_chat_s_messages_are_paragraphs_without_their_time_and_sender(tmp_path: Path, name, text, source, author, published, said):
    """Written here (twenty-eighth session): each message's time and sender had opened its statement, the channel's name
    was the title, the folder the publisher and the chat undated; a group's messages without a full stop were headings."""
    path = tmp_path / name
    path.write_text(text)
    article, _ = read_article(path)
    assert (article.source, article.author, article.published) == (source, author, published)
    assert article.title == said[0]  # the first message's first sentence, without its sender
    assert [s.text for s in statements(article)] == said


def test_an_obsidian_clipping_gives_its_page_s_address_and_writer_and_its_callouts_no_markers(tmp_path: Path):
    """Obsidian's web clipper writes the page's address as `source:`, the writer as a link to a note ("[[Priya Natarajan]]")
    and callouts ("> [!quote]"): the address had been the publisher, the link the writer and the marker part of a statement."""
    path = tmp_path / "clipping.md"
    path.write_text('---\ntitle: "Vulcan Elements closes $620M loan"\nsource: "https://www.example-mining-news.com/vulcan"\n'
                    'author:\n  - "[[Priya Natarajan]]"\npublished: 2026-11-30\n---\n\nVulcan Elements has closed a $620 million loan.\n\n'
                    '> [!quote]\n> "This loan puts American magnet manufacturing back on the map," said John Maslin.\n')
    article, _ = read_article(path)
    assert (article.source, article.author, article.url) == ("www.example-mining-news.com", "Priya Natarajan", "https://www.example-mining-news.com/vulcan")
    assert [s.text for s in statements(article)] == [
        "Vulcan Elements has closed a $620 million loan.",
        '"This loan puts American magnet manufacturing back on the map," said John Maslin.']


def test_an_rns_announcement_s_symbol_bullets_are_its_highlights_and_its_footer_no_statement(tmp_path: Path):
    """Written here (thirty-first session): Word's symbol bullets ("· US$85 million senior debt facility…") had each been read
    as a heading, so two of the three highlights were no statement and the third was; and the exchange's footer was three."""
    from assay.statements import statements

    article, _ = _read_text(tmp_path, (
        "RNS Number : 4821T\nMkango Resources Ltd\n02 December 2026\n\nSongwe Hill Secures US$85 Million Debt Package\n\n"
        "Mkango Resources Ltd. is pleased to announce a term sheet for a US$85 million senior debt facility.\n\nHighlights\n\n"
        "· US$85 million senior debt facility with a seven-year tenor\n\n· Facility subject to final credit approval\n\n"
        "· Together with the US$40 million equity commitment, funds over 60% of the project's capital cost\n\n"
        "The Company expects to make a final investment decision in the second half of 2027.\n\n"
        "This announcement contains inside information for the purposes of Article 7 of the UK version of Regulation (EU) No 596/2014.\n\n"
        "This information is provided by RNS, the news service of the London Stock Exchange. RNS is approved by the Financial "
        "Conduct Authority to act as a Primary Information Provider in the United Kingdom.\n\nEND\n"))
    assert article.highlights == ["US$85 million senior debt facility with a seven-year tenor", "Facility subject to final credit approval",
                                  "Together with the US$40 million equity commitment, funds over 60% of the project's capital cost"]
    assert [s.text for s in statements(article)] == [
        "Mkango Resources Ltd. is pleased to announce a term sheet for a US$85 million senior debt facility.",
        "The Company expects to make a final investment decision in the second half of 2027."]


def test_an_outlet_that_asks_its_readers_to_subscribe_names_itself_over_the_headline(tmp_path: Path):
    """Written here (thirty-fourth session): BNamericas' name over its headline had been the title, the story published by "files",
    and its "Subscribe to BNamericas for the latest news…" a statement and a highlight."""
    from assay.statements import statements

    article, _ = _read_text(tmp_path, (
        "BNamericas\n\nSerra Verde secures US$465mn DFC loan for Goiás rare earths expansion\n\n"
        "Published: Wednesday, November 25, 2026\n\n"
        "Rare earths producer Serra Verde has signed a US$465mn loan with the US International Development Finance Corporation "
        "(DFC) to expand its Pela Ema mine in Minaçu, Goiás state, the company said in a statement.\n\n"
        "Serra Verde sells all its concentrate to China today.\n\n"
        "Subscribe to BNamericas for the latest news on Latin American mining.\n"))
    assert (article.title, article.source) == ("Serra Verde secures US$465mn DFC loan for Goiás rare earths expansion", "BNamericas")
    assert [s.text for s in statements(article)][-1] == "Serra Verde sells all its concentrate to China today."
    # An outlet named only in the call, and not over the story, is no publisher read from the opening.
    other, _ = _read_text(tmp_path, "Prices rise\n\nNdPr oxide rose 3% this week in China.\n\nSubscribe to Mining Weekly for more.\n")
    assert other.source != "Mining Weekly"


def test_a_forwarded_message_pasted_as_text_is_titled_by_its_subject_and_published_by_its_sender(tmp_path: Path):
    """Written here (thirty-fourth session): a newsletter forwarded from Gmail and saved as text had been titled "----------
    Forwarded message ---------" and published by "From: Magnet Metals Weekly <editor@…>", its header lines its text."""
    article, notes = _read_text(tmp_path, (
        "---------- Forwarded message ---------\nFrom: Magnet Metals Weekly <editor@magnetmetalsweekly.com>\n"
        "Date: Fri, Dec 4, 2026 at 7:02 AM\nSubject: Fwd: Magnet Metals Weekly #212: Dy prices at a two-year high\n"
        "To: <j.hartley@example.com>\n\n\nDysprosium oxide prices in Europe climbed to $920 a kilogram this week, the highest in "
        "two years.\n\nTerbium oxide rose 4% to $3,450/kg.\n"))
    assert (article.title, article.source) == ("Magnet Metals Weekly #212: Dy prices at a two-year high", "Magnet Metals Weekly")
    assert article.published == datetime(2026, 12, 4, 7, 2, tzinfo=UTC)
    assert article.body.startswith("Dysprosium oxide prices") and "j.hartley" not in article.body
    # Outlook's separator, with "Sent:" for the day; a sender without a name is no publisher of its own.
    outlook, _ = _read_text(tmp_path, "-----Original Message-----\nFrom: editor@example.com\nSent: 4 December 2026 07:02\n"
                                      "Subject: FW: Prices\n\nTerbium oxide rose 4% to $3,450/kg this week.\n")
    assert outlook.title == "Prices" and outlook.published == datetime(2026, 12, 4, 7, 2, tzinfo=UTC)
    assert outlook.source != "editor@example.com"


def test_a_newsletter_s_name_over_its_byline_a_rating_action_and_a_byline_with_its_outlet_name_their_publishers(tmp_path: Path):
    """Written here (thirty-fifth session): Axios's newsletter name over the byline and day had been the title and the
    story published by "files"; so had Fitch's rating action; a write-up "Posted by X, Outlet, day" had been its folder's."""
    axios, _ = _read_text(tmp_path, (
        "Axios Markets\nBy Emily Peck and Matt Phillips\nDec 3, 2026\n\nThe price floor that built a magnet industry\n\n"
        "MP Materials' deal with the Pentagon is starting to look less like a bailout and more like a template.\n\n"
        "Why it matters: The floor is roughly double what Chinese buyers pay for the same oxide.\n"))
    assert (axios.title, axios.source, axios.author) == ("The price floor that built a magnet industry", "Axios Markets", "Emily Peck and Matt Phillips")
    assert axios.published == datetime(2026, 12, 3, tzinfo=UTC)
    # A story's own title over its byline and day is still its title, its first paragraph no headline.
    story, _ = _read_text(tmp_path, "Lynas Opens Texas Plant\nBy Jane Doe\nDec 3, 2026\n\nLynas Rare Earths opened its plant in Seadrift on Tuesday, the company said.\n")
    assert story.title == "Lynas Opens Texas Plant"
    fitch, _ = _read_text(tmp_path, (
        "Fitch Affirms Lynas Rare Earths at 'BBB-'; Outlook Stable\n\n"
        "Fitch Ratings - Sydney - 03 Dec 2026: Fitch Ratings has affirmed Lynas Rare Earths Limited's Long-Term Issuer Default "
        "Rating (IDR) at 'BBB-'. The Outlook is Stable.\n\nFitch expects output of around 12,000 tonnes in FY27.\n"))
    assert (fitch.source, fitch.published) == ("Fitch Ratings", datetime(2026, 12, 3, tzinfo=UTC))
    # A story about a rating action is not the agency's: the agency does not open it.
    about, _ = _read_text(tmp_path, "Lynas keeps its rating\n\nLynas Rare Earths said Fitch Ratings has affirmed its rating at 'BBB-'.\n")
    assert about.source != "Fitch Ratings"
    posted, _ = _read_text(tmp_path, (
        "# Five takeaways from Rare Earths Week in Amsterdam\n\n*Posted by Sarah Lindqvist, Nordic Metals Review, 4 December 2026*\n\n"
        "More than 600 delegates crowded into the RAI for three days of panels on magnets, separation and recycling.\n"))
    assert (posted.source, posted.author, posted.published) == ("Nordic Metals Review", "Sarah Lindqvist", datetime(2026, 12, 4, tzinfo=UTC))


def test_a_letter_to_an_office_holder_is_titled_by_what_it_asks(tmp_path: Path):
    """Written here (thirty-fifth session): senators' letter to the Secretary of Commerce had been titled "The Honorable Howard
    Lutnick", its addressee's block; a letter has no title line, so its first sentence after the salutation is its title."""
    from assay.statements import statements

    letter, _ = _read_text(tmp_path, (
        "United States Senate\nWASHINGTON, DC 20510\n\nNovember 20, 2026\n\nThe Honorable Howard Lutnick\nSecretary of Commerce\n"
        "U.S. Department of Commerce\n1401 Constitution Avenue NW\nWashington, DC 20230\n\nDear Secretary Lutnick:\n\n"
        "We write to urge the Department of Commerce to open an investigation into imports of sintered rare earth magnets.\n\n"
        "China produces roughly 90 percent of the world's sintered neodymium magnets.\n\nSincerely,\n\nSenator Jane Harlow\n"))
    assert letter.title.startswith("We write to urge the Department of Commerce")
    assert (letter.source, letter.published) == ("United States Senate", datetime(2026, 11, 20, tzinfo=UTC))
    assert [s.text for s in statements(letter)][0].startswith("We write to urge")  # the addressee's block is no statement


def test_a_wire_story_s_correction_note_is_said_not_read_as_text(tmp_path: Path):
    """A corrected Reuters story written here (forty-fourth session): its "(Corrects paragraph 4 …)" line was left out as a
    pasted page's caption, and nothing said a correction had been made. It is left out still, and kept as a reading note;
    a page's correction note at its foot is noted too, and is no statement."""
    from assay.statements import statements

    text = ("CORRECTED-UPDATE 2-Myanmar rare earth flows to China slump\n\n"
            "(Corrects paragraph 4 to show that the Kachin Independence Army, not the military government, controls Pangwa)\n\n"
            "BANGKOK/BEIJING, Nov 27 (Reuters) - China's imports of rare earths from Myanmar fell 62% in October from a year earlier, "
            "customs data showed on Wednesday.\n\nThe Kachin Independence Army, which has controlled Pangwa since October 2024, has "
            "imposed new taxes on mining, two industry sources told Reuters.\n")
    article, notes = _read_text(tmp_path, text)
    assert article.title == "Myanmar rare earth flows to China slump" and "Corrects" not in article.body
    correction = ("the publisher's correction: Corrects paragraph 4 to show that the Kachin Independence Army, not the military "
                  "government, controls Pangwa")
    assert correction in article.reading_notes and not any("captions" in note for note in notes)
    html = ("<html><head><title>Myanmar flows slump</title></head><body><article><h1>Myanmar flows slump</h1><p>China's imports of "
            "rare earths from Myanmar fell 62% in October from a year earlier, customs data showed on Wednesday.</p><p>(This story "
            "has been corrected to show that the Kachin Independence Army controls Pangwa)</p></article></body></html>")
    url = "https://news.example.com/myanmar"
    _, _, (item,) = parse(Fetched(source=url, url=url, content=html.encode(), content_type="text/html"))
    page = to_article(item)
    assert "the publisher's correction: This story has been corrected to show that the Kachin Independence Army controls Pangwa" in (
        page.reading_notes)
    assert [s.text for s in statements(page)] == [
        "China's imports of rare earths from Myanmar fell 62% in October from a year earlier, customs data showed on Wednesday."]


def test_a_page_s_buttons_between_its_headline_and_byline_are_left_out_and_the_byline_read(tmp_path: Path):
    """A story pasted from a browser in the Australian Financial Review's layout (written here, forty-fourth session):
    "Save", "Share", "Gift this article" and a section label between the headline and "Nick Evans" over "Resources
    reporter". The menu-run rule took a run at the very top only: the buttons stayed in the text and pushed the date line
    past the lines a date is read from (undated), the writer was not read, and his closing bio and "Connect with Nick on
    Twitter." were statements."""
    from assay.statements import statements

    text = ("Lynas eyes US$500m raise as heavy rare earths demand surges\n\nSave\nShare\nGift this article\n\nMining\nNick Evans\n"
            "Resources reporter\nDec 4, 2026 – 5.32pm\n\nLynas Rare Earths is sounding out institutional investors about a raising of "
            "up to US$500 million to fund a second heavy rare earths separation circuit in Malaysia, sources said.\n\n"
            "Shares in Lynas fell 4.1 per cent to $14.82.\n\nLicense this article\n\nMining\nRare earths\nNick Evans is a resources "
            "reporter based in Perth. Connect with Nick on Twitter.\n")
    article, _ = _read_text(tmp_path, text)
    assert (article.title, article.author, article.published) == (
        "Lynas eyes US$500m raise as heavy rare earths demand surges", "Nick Evans", datetime(2026, 12, 4, tzinfo=UTC))
    assert not {"Save", "Gift this article", "Mining"} & set(article.body.split("\n")[:6])
    assert [s.text for s in statements(article)] == [
        "Lynas Rare Earths is sounding out institutional investors about a raising of up to US$500 million to fund a second heavy "
        "rare earths separation circuit in Malaysia, sources said.", "Shares in Lynas fell 4.1 per cent to $14.82."]
