from assay.cleaning import blocks_for, clean_blocks, html_blocks, repair_text, text_blocks


def clean_html(html: str):
    return clean_blocks(html_blocks(html))


def test_mojibake_from_cp1252_and_thai_code_pages_is_repaired_keeping_curly_quotes():
    assert repair_text("Chinaâ€™s output rose 5Â°C") == "China’s output rose 5°C"
    assert repair_text("Chinaโ€™s furnaces run at 800ยฐC") == "China’s furnaces run at 800°C"
    assert repair_text("โ€œlargestโ€\x9d") == "“largest”"
    assert repair_text("It’s “curly” — and stays") == "It’s “curly” — and stays"


def test_real_thai_text_is_left_alone():
    assert repair_text("ภาษาไทย rare earths") == "ภาษาไทย rare earths"


def test_markup_leftovers_and_link_labels_are_removed():
    assert repair_text("]]>A sentence (opens in a new tab) here.<![CDATA[") == "A sentence here."
    assert repair_text("Text ©!-- /wp:paragraph --> more") == "Text more"
    assert repair_text("a\u00a0 b\t c") == "a b c"


def test_comment_boilerplate_is_dropped():
    clean = clean_html(
        "<p>NdPr prices rose 4% in January.</p><h3>Leave a Reply</h3><p>0 Comments</p><p>No replies yet</p>"
        "<p>Join the full discussion at the forum…</p><p>Cancel reply</p>"
    )
    assert clean.body == "NdPr prices rose 4% in January."


def test_links_to_other_stories_and_advertisement_slots_are_dropped():
    """A news page's furniture set among its paragraphs (seen on a page written here in a wire site's
    layout, and an outside-set Bloomberg text's "Read more:" line): each was a paragraph, and a statement."""
    clean = clean_html(
        "<p>China widened its export licences to seven more elements.</p><div>Advertisement · Scroll to continue</div>"
        "<p>Read more: What the new licences mean for magnet makers</p><p>Story continues below advertisement</p>"
        "<p>Related: Lynas shares jump on US deal</p><p>Related stocks rose 4% after the ministry spoke.</p>"
        "<p>Read more about the licences in the ministry's notice.</p><p>Watch: MP Materials reports on Thursday</p>"
    )
    assert clean.body == ("China widened its export licences to seven more elements.\n\nRelated stocks rose 4% after the ministry spoke.\n\n"
                          "Read more about the licences in the ministry's notice.\n\nWatch: MP Materials reports on Thursday")


def test_highlights_are_split_from_the_body_and_kept():
    clean = clean_html(
        "<h2>Highlights</h2><ul><li>First point.</li><li>Second point:<ul><li>nested detail</li></ul></li></ul>"
        "<p>Body paragraph.</p><h2>Outlook</h2><p>More text.</p>"
    )
    assert clean.highlights == ["First point.", "Second point:", "nested detail"]
    assert "First point" not in clean.body and "Highlights" not in clean.body
    assert clean.body == "Body paragraph.\n\nOutlook\n\nMore text."
    # The Economic Times' deck, one paragraph under "Synopsis" (a story written here, thirty-third session: it had been two
    # statements repeating the lede); a paragraph under another heading stays text.
    deck = clean_blocks(blocks_for("Synopsis\nIREL plans to double capacity, its chairman said.\n\nNEW DELHI: IREL will invest Rs 1,200 crore.", "text"))
    assert deck.highlights == ["IREL plans to double capacity, its chairman said."] and deck.body == "NEW DELHI: IREL will invest Rs 1,200 crore."
    outlook = clean_blocks(blocks_for("Outlook\nIREL plans to double capacity.\n\nIREL will invest Rs 1,200 crore.", "text"))
    assert outlook.highlights == [] and "IREL plans to double capacity." in outlook.body


def test_a_list_item_that_holds_a_paragraph_keeps_its_text():
    """WordPress and loose Markdown lists write `<li><p>…</p></li>`: the items are text, not lost."""
    clean = clean_html("<p>Intro paragraph.</p><ul><li><p>Output rose 12%.</p></li><li><p>Costs fell</p> <em>sharply</em>.</li></ul><p>End.</p>")
    assert clean.body == "Intro paragraph.\n\n• Output rose 12%.\n• Costs fell sharply.\n\nEnd."
    loose = clean_blocks(blocks_for("Intro paragraph.\n\n- Output rose 12%.\n\n- Costs fell.\n\nEnd.", "markdown"))
    assert "• Output rose 12%.\n• Costs fell." in loose.body
    highlights = clean_blocks(blocks_for("## Highlights\n\n- Output rose 12%.\n\n- Costs fell.\n\nBody paragraph here.", "markdown"))
    assert highlights.highlights == ["Output rose 12%.", "Costs fell."] and highlights.body == "Body paragraph here."


def test_breaks_and_table_cells_never_glue_words():
    assert clean_html("<div>First line of text.<br>Second line of text.</div>").body == "First line of text.\nSecond line of text."
    assert clean_html("<p>Para one.<br><br>Para two.</p>").body == "Para one.\n\nPara two."
    table = "<p>Intro.</p><table><tr><td>NdPr</td><td>2,400 t</td></tr><tr><td>Dy</td><td>12 t</td></tr></table><p>End.</p>"
    assert clean_html(table).body == "Intro.\n\nNdPr 2,400 t\nDy 12 t\n\nEnd."
    assert clean_html("<dl><dt>NdPr</dt><dd>Neodymium-praseodymium oxide.</dd></dl>").body == "NdPr Neodymium-praseodymium oxide."
    # A table as Markdown writes it (and as Python-Markdown's HTML indents it): a row per line, never one
    # line of pipes and dashes (seen on a Notion export nobody here labelled).
    markdown = "Prices firmed.\n\n| Product | Price (CNY/t) |\n|---|---|\n| NdPr oxide | 612,000 |\n| Dy oxide | 1,650,000 |\n\nEnd."
    # Under its header row, each row names its figures by their column (seen on a results release
    # written here: "NdPr oxide produced (mt) 721 477 51%" said none of what its figures were).
    assert [b.text for b in blocks_for(markdown, "markdown")] == [
        "Prices firmed.", "NdPr oxide: Price (CNY/t) 612,000\nDy oxide: Price (CNY/t) 1,650,000", "End."]
    results = ("<table><tr><th></th><th>Q3 2026</th><th>Q3 2025</th><th>Change</th></tr><tr><td>NdPr oxide produced (mt)</td>"
               "<td>721</td><td>477</td><td>51%</td></tr><tr><td>Note: unaudited</td></tr><tr><td>Price</td><td>59</td><td></td><td></td></tr></table>")
    assert [b.text for b in html_blocks(results)] == [
        "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%\nNote: unaudited\nPrice: Q3 2026 59"]
    # A section's one-cell heading row keeps the header; of two header rows the last names the rows; rows under a
    # merged heading, narrower or wider than it, keep their cells apart, and so does the header then.
    sectioned = ("<table><tr><th>Product</th><th>Q3 2026</th><th>Q3 2025</th></tr><tr><th colspan=3>Light rare earths</th></tr>"
                 "<tr><td>NdPr</td><td>721</td><td>477</td></tr></table>")
    assert [b.text for b in html_blocks(sectioned)] == ["Light rare earths\nNdPr: Q3 2026 721; Q3 2025 477"]
    # A header's first cell that gives the figures' unit goes with each row's label, unless the row gives its own.
    units = ("<table><tr><th>($ in millions)</th><th>Q3 2026</th><th>Q3 2025</th></tr><tr><td>Revenue</td><td>84.2</td><td>62.9</td></tr>"
             "<tr><td>NdPr oxide produced (mt)</td><td>721</td><td>477</td></tr></table>")
    assert [b.text for b in html_blocks(units)] == [
        "Revenue ($ in millions): Q3 2026 84.2; Q3 2025 62.9\nNdPr oxide produced (mt): Q3 2026 721; Q3 2025 477"]
    assert html_blocks(units.replace("($ in millions)", "US$m"))[0].text.startswith("Revenue (US$m): Q3 2026 84.2;")
    assert html_blocks(units.replace("($ in millions)", "Metric"))[0].text.startswith("Revenue: Q3 2026 84.2;")
    two = "<table><tr><th>Metric</th><th>Quarter</th></tr><tr><th></th><th>Q3 2026</th></tr><tr><td>NdPr</td><td>721</td></tr></table>"
    assert [b.text for b in html_blocks(two)] == ["NdPr: Q3 2026 721"]
    merged = ("<table><tr><th rowspan=2>Metric</th><th colspan=2>Quarter</th></tr><tr><th>Q3 2026</th><th>Q3 2025</th></tr>"
              "<tr><td>NdPr</td><td>721</td><td>477</td></tr></table>")
    # A header cell spanning rows or columns names each column under it, as a browser lays it out (its
    # cells were kept apart: "Metric Quarter / Q3 2026 Q3 2025 / NdPr 721 477").
    assert [b.text for b in html_blocks(merged)] == ["NdPr: Quarter Q3 2026 721; Quarter Q3 2025 477"]
    # ... and such a row is one statement, as the labellers count an estimates row ("Revenue: 2025A 512; 2026E 604").
    from assay.statements import statements
    from assay.types import Article

    release = clean_html(f"<p>MP Materials reported its third-quarter results on Thursday.</p>{results}")
    found = [s.text for s in statements(Article(id="r", title="Results", source="test", source_url="test", body=release.body))]
    assert "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%" in found
    # A <div> holding only a table is that table, its rows named by their columns.
    assert html_blocks(f"<div>{units}</div>")[0].text.startswith("Revenue ($ in millions): Q3 2026 84.2;")
    # A table that lays out an email (a table inside it, a cell with a heading or paragraphs) is read as its text, once.
    layout = "<table><tr><td><table><tr><td><h2>Weekly</h2><p>Prices rose.</p><p>Lynas ran.</p></td></tr></table></td></tr><tr><td>End <b>now</b></td></tr></table>"
    assert [(b.kind, b.text) for b in html_blocks(layout)] == [
        ("heading", "Weekly"), ("paragraph", "Prices rose."), ("paragraph", "Lynas ran."), ("paragraph", "End now")]
    indented = "<table>\n  <thead>\n    <tr>\n      <th>NdPr</th>\n      <th>2,400 t</th>\n    </tr>\n  </thead>\n</table>"
    assert [b.text for b in html_blocks(indented)] == ["NdPr 2,400 t"]


def test_sections_carry_headings_and_exact_offsets():
    clean = clean_html("<p>Intro.</p><h2>Where the Case Breaks Down</h2><p>Scale matters.</p><ul><li>one</li><li>two</li></ul>")
    assert clean.body == "Intro.\n\nWhere the Case Breaks Down\n\nScale matters.\n\n• one\n• two"
    first, second = clean.sections
    assert (first.heading, clean.body[first.start : first.end]) == (None, "Intro.")
    assert second.heading == "Where the Case Breaks Down"
    assert clean.body[second.start : second.end].startswith("Where the Case Breaks Down\n\nScale matters.")
    assert second.end == len(clean.body)


def test_plain_text_headings_bullets_and_paragraphs():
    blocks = text_blocks("Title Line\n\nA first paragraph\nwrapped over two lines.\n\n  • item a\n    • item b\n\nREEx Take\n\nIt ends.")
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        ("heading", "Title Line", 0),
        ("paragraph", "A first paragraph wrapped over two lines.", 0),
        ("item", "item a", 0),
        ("item", "item b", 1),
        ("heading", "REEx Take", 0),
        ("paragraph", "It ends.", 0),
    ]


def test_a_numbered_heading_over_its_clauses_is_a_heading():
    """A Tokyo-listed company's notice written here: "2. Outline of the facility" had been the list's first item, and a statement."""
    blocks = text_blocks("2. Outline of the facility\n(1) Location: Akita Refinery\n(2) Capacity: 50 tonnes of gallium per year\n\n"
                         "1. Lynas shipped 10,000 tonnes.\n2. MP shipped 2,000 tonnes.")
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Outline of the facility"), ("item", "Location: Akita Refinery"), ("item", "Capacity: 50 tonnes of gallium per year"),
        ("item", "Lynas shipped 10,000 tonnes."), ("item", "MP shipped 2,000 tonnes."),  # one kind of number: a list
    ]


def test_a_plain_text_table_set_out_in_spaces_names_each_figure_by_its_column():
    """Wire copy's table in columns of spaces: its rows were headings ("NdPr oxide produced (t) 2,104
    1,892 11%"), no statements, saying none of what their figures were. Read as a page's table is."""
    wire = ("Lynas Rare Earths on Wednesday reported an 11% rise in quarterly NdPr output.\n\nKEY FIGURES\n"
            "                             Q1 FY27    Q4 FY26    Change\n"
            "NdPr oxide produced (t)        2,104      1,892       11%\n"
            "Total REO produced (t)         3,310      3,050        9%\n"
            "Sales revenue (A$m)            201.5      187.2        8%\n\n"
            "Chief executive Amanda Lacaze said the company expects further growth.")
    assert [(b.kind, b.text) for b in text_blocks(wire)] == [
        ("paragraph", "Lynas Rare Earths on Wednesday reported an 11% rise in quarterly NdPr output."),
        ("heading", "KEY FIGURES"),
        ("paragraph", "NdPr oxide produced (t): Q1 FY27 2,104; Q4 FY26 1,892; Change 11%\n"
                      "Total REO produced (t): Q1 FY27 3,310; Q4 FY26 3,050; Change 9%\n"
                      "Sales revenue (A$m): Q1 FY27 201.5; Q4 FY26 187.2; Change 8%"),
        ("paragraph", "Chief executive Amanda Lacaze said the company expects further growth."),
    ]
    # A header with its corner filled in, tabs for spaces, and a unit over the labels (pdftotext -layout's way).
    layout = "US$ million\tFY2026\tFY2025\nRevenue\t\t512.0\t430.1\nEBITDA\t\t96.4\t71.0\nNet cash\t38.2\t(12.5)"
    assert text_blocks(layout)[0].text == "Revenue (US$ million): FY2026 512.0; FY2025 430.1\nEBITDA (US$ million): FY2026 96.4; FY2025 71.0\nNet cash (US$ million): FY2026 38.2; FY2025 (12.5)"
    years = "                 2026      2025\nNdPr (t)        2,104     1,892\nDy (t)             41        38\nTb (t)              9         7"
    assert text_blocks(years)[0].text == "NdPr (t): 2026 2,104; 2025 1,892\nDy (t): 2026 41; 2025 38\nTb (t): 2026 9; 2025 7"
    # A filing's table: a currency sign set apart from its figure, and a header of years over the columns.
    filing = ("                            2026         2025\nRevenue                  $   84.2     $   62.9\n"
              "Cost of sales               (70.1)       (58.3)\nNet loss                 $  (12.4)    $  (18.1)")
    assert text_blocks(filing)[0].text == "Revenue: 2026 $84.2; 2025 $62.9\nCost of sales: 2026 (70.1); 2025 (58.3)\nNet loss: 2026 $(12.4); 2025 $(18.1)"
    # A header set over two lines: each column's words read down ("2026" over "(tonnes)"). The top line
    # stood alone and the bottom one named the figures ("Exports: (tonnes) 4,127").
    stacked = ("                           2026          2025         Pct\n"
               "                         (tonnes)      (tonnes)      change\n"
               "  Exports                   4,127         4,690       -12.0\n"
               "  Imports                   1,020           890        14.6\n"
               "  Net exports               3,107         3,800       -18.2")
    assert [b.text for b in text_blocks(f"The customs figures.\n\n{stacked}")][1] == (
        "Exports: 2026 (tonnes) 4,127; 2025 (tonnes) 4,690; Pct change -12.0\n"
        "Imports: 2026 (tonnes) 1,020; 2025 (tonnes) 890; Pct change 14.6\n"
        "Net exports: 2026 (tonnes) 3,107; 2025 (tonnes) 3,800; Pct change -18.2")
    filled = "Metric              2026          2025         Pct\n" + stacked.split("\n", 1)[1].replace("  Exports  ", "Exports    ")
    assert text_blocks(filled)[0].text.startswith("Exports: 2026 (tonnes) 4,127; 2025 (tonnes) 4,690; Pct change -12.0\n")
    # A filing's header: a line over every column ("Three months ended"), then dates over two lines. The
    # top line was a section heading of its own.
    filing_header = ("                        Three months ended\n                     Sept 30,       Sept 30,\n"
                     "                       2026           2025\nRevenue                84.2           62.9\n"
                     "Cost of sales         (70.1)         (58.3)\nNet loss              (12.4)         (18.1)")
    assert [(b.kind, b.text.split("\n")[0]) for b in text_blocks(filing_header)] == [
        ("paragraph", "Revenue: Three months ended Sept 30, 2026 84.2; Three months ended Sept 30, 2025 62.9")]
    # A filing's two periods side by side: "Three Months Ended" over two years, "Nine Months Ended" over two
    # more, a date line under each. Both periods' columns were "2026" and "2025", and the headings a section
    # heading and a paragraph of their own. A section's label among the rows names the rows set in under it.
    periods = ("                                   Three Months Ended          Nine Months Ended\n"
               "                                      September 30,               September 30,\n"
               "($ in millions)                      2026        2025           2026        2025\n"
               "Revenue                           $  84.2     $  62.9        $ 231.5     $ 190.4\n"
               "Operating expenses:\n"
               "  Cost of sales                      70.1        58.3          200.5       170.0\n"
               "Net loss                          $ (12.4)    $ (18.1)       $ (41.0)    $ (52.3)\n"
               "NdPr oxide produced (mt)              721         477          2,013       1,295")
    assert [(b.kind, b.text) for b in text_blocks(f"MP Materials reported its results.\n\n{periods}\n\nOutput rose.")] == [
        ("paragraph", "MP Materials reported its results."),
        ("paragraph", "Revenue ($ in millions): Three Months Ended September 30, 2026 $84.2; Three Months Ended September 30, 2025 $62.9; "
                      "Nine Months Ended September 30, 2026 $231.5; Nine Months Ended September 30, 2025 $190.4\n"
                      "Operating expenses – Cost of sales ($ in millions): Three Months Ended September 30, 2026 70.1; Three Months Ended September 30, 2025 58.3; "
                      "Nine Months Ended September 30, 2026 200.5; Nine Months Ended September 30, 2025 170.0\n"
                      "Net loss ($ in millions): Three Months Ended September 30, 2026 $(12.4); Three Months Ended September 30, 2025 $(18.1); "
                      "Nine Months Ended September 30, 2026 $(41.0); Nine Months Ended September 30, 2025 $(52.3)\n"
                      "NdPr oxide produced (mt): Three Months Ended September 30, 2026 721; Three Months Ended September 30, 2025 477; "
                      "Nine Months Ended September 30, 2026 2,013; Nine Months Ended September 30, 2025 1,295"),
        ("paragraph", "Output rose."),
    ]
    # Headings wider than the columns under them, centred (the first starts over no column of its own), or
    # set left over their first column: each column still goes under the heading nearest it.
    wide = ("                      Three Months Ended September 30,   Nine Months Ended September 30,\n"
            "                                   2026        2025           2026        2025\n"
            "Revenue                         $  84.2     $  62.9        $ 231.5     $ 190.4\n"
            "Net loss                        $ (12.4)    $ (18.1)       $ (41.0)    $ (52.3)\n"
            "Output (mt)                         721         477          2,013       1,295")
    assert text_blocks(wide)[0].text.split("\n")[0] == (
        "Revenue: Three Months Ended September 30, 2026 $84.2; Three Months Ended September 30, 2025 $62.9; "
        "Nine Months Ended September 30, 2026 $231.5; Nine Months Ended September 30, 2025 $190.4")
    left = wide.replace("                      Three Months Ended September 30,   Nine Months Ended September 30,",
                        "                                Three Months Ended     Nine Months Ended")
    assert text_blocks(left)[0].text.split("\n")[0] == (
        "Revenue: Three Months Ended 2026 $84.2; Three Months Ended 2025 $62.9; Nine Months Ended 2026 $231.5; Nine Months Ended 2025 $190.4")
    # A label over another table's header ends the first table: the two are not one.
    two = ("                         2026        2025\nRevenue                  84.2        62.9\nNet loss                (12.4)      (18.1)\n"
           "Output (mt)               721         477\nSegment results\nDivision                 Q3          Q2\nMagnetics                12.1        10.4\n"
           "Separation               72.1        52.5\nOther                     0.0         0.0")
    assert [(b.kind, b.text.split("\n")[0]) for b in text_blocks(two)] == [
        ("paragraph", "Revenue: 2026 84.2; 2025 62.9"), ("heading", "Segment results"), ("paragraph", "Magnetics: Q3 12.1; Q2 10.4")]
    # A column at the end that no heading reaches is under none: "Change" beside "Q3 | Q3 | Nine months".
    change = ("                         Q3          Q3          Nine months\n"
              "                       2026        2025        2026       2025     Change\n"
              "Revenue                84.2        62.9       231.5      190.4        22%\n"
              "Net loss              (12.4)      (18.1)      (41.0)     (52.3)        n/m\n"
              "Output (mt)             721         477       2,013      1,295        55%")
    assert text_blocks(change)[0].text.split("\n")[0] == "Revenue: Q3 2026 84.2; Q3 2025 62.9; Nine months 2026 231.5; Nine months 2025 190.4; Change 22%"
    # A sentence over the labels is no heading of the columns, nor is a label under the last row.
    above = "The figures are unaudited.\n" + wide.split("\n", 1)[1] + "\nSegment data:"
    assert [b.text.split("\n")[0] for b in text_blocks(above)] == ["The figures are unaudited.", "Revenue: 2026 $84.2; 2025 $62.9; 2026 $231.5; 2025 $190.4", "Segment data:"]
    # A feed's <pre> holds such a table too; a <pre> that is no table keeps its lines.
    pre = "<p>Intro.</p><pre>\n" + wire.split("KEY FIGURES\n")[1].split("\n\n")[0] + "\n</pre>"
    assert html_blocks(pre)[1].text.startswith("NdPr oxide produced (t): Q1 FY27 2,104; Q4 FY26 1,892; Change 11%\nTotal REO")
    assert html_blocks("<pre>Oxide   Price\nNdPr    rising</pre>")[0].text == "Oxide   Price\nNdPr    rising"
    # Sentences two spaces apart, wrapped, are prose, not columns.
    prose = ("Prices rose 12% in the quarter.  Buyers paid more for\ndysprosium as licences slowed.  Analysts expect\n"
             "that to last into 2027.  The ministry said 14 licences\nwere granted in October.  Exports fell 9%.")
    assert [b.kind for b in text_blocks(prose)] == ["paragraph"] and "Buyers paid more for dysprosium" in text_blocks(prose)[0].text


def test_markdown_is_read_through_its_html():
    clean = clean_blocks(blocks_for("# Lynas\n\nLynas makes **NdPr**.\n\n## Outlook\n\n- Kalgoorlie\n- Malaysia\n", "markdown"))
    assert clean.body == "Lynas\n\nLynas makes NdPr.\n\nOutlook\n\n• Kalgoorlie\n• Malaysia"


def test_scripts_and_navigation_never_reach_the_body():
    clean = clean_html("<nav>Home | About</nav><p>Real text.</p><script>alert(1)</script><footer>© site</footer>")
    assert clean.body == "Real text."


def test_a_chart_s_axis_is_no_text_but_a_column_of_labelled_figures_is():
    """An outlook's chart as a PDF's text gives it, written here (twenty-ninth session): its unit, ticks a line each
    and years had been the body's lines, in its chunks and the passages answers are built from."""
    from assay.cleaning import Block, without_chart_axes

    lines = ["Figure 3.1 Demand for magnet rare earths by end use", "kt", "120", "100", "80", "60", "40", "20", "0",
             "2020 2022 2024 2026 2028 2030", "Demand rose 9% in 2026."]
    kept = [b.text for b in without_chart_axes([Block("paragraph", line) for line in lines])]
    assert kept == ["Figure 3.1 Demand for magnet rare earths by end use", "Demand rose 9% in 2026."]
    # Two numbers alone are kept (a year over a figure, say), and a line of words with numbers is text.
    short = ["NdPr oxide", "2026", "61.5", "Output rose to 2,210 tonnes."]
    assert [b.text for b in without_chart_axes([Block("paragraph", line) for line in short])] == short
