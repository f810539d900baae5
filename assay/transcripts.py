"""The turns of a transcript (an earnings call, an investor day, a hearing): who speaks each stretch
of the body, read from the speaker lines and the participants list a transcript opens with.

A transcript names its speakers once near the top ("James Litinsky - Founder, Chairman and Chief
Executive Officer" under "Company Participants", "Ben Kallo - Baird" under "Conference Call
Participants") and then opens each turn with the speaker's name on a line of its own (or with
"Name:" before the first words). Nothing in a
turn says who is talking, so without this every sentence read as the author's. Without a
participants list no line is read as a speaker, so an article whose subheadings are names is never
taken for a transcript.

An interview written as questions and answers ("Q: …" / "A: …") has the interviewee's answers as
its turns, and the opening that introduces them says who they are.

The operator's turns are procedure ("Our next question comes from…", "You may now disconnect"), and
so are courtesies inside any turn ("Thanks, Martin, and good afternoon, everyone"): neither holds a
statement or a highlight. Nor does the name an answer opens with, addressing the one who asked
("Laurence, our heavy rare earth circuit…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

# "Company Participants", "Corporate Participants", "Conference Call Participants", "Executives", "Analysts".
_LIST_HEADING = re.compile(
    r"^(?:(?P<side>company|corporate|management|conference call|call|other)\s+)?(?P<what>participants|attendees|speakers|executives|analysts)\s*:?$",
    re.I,
)
# "James Litinsky - Founder, Chairman and CEO", "Ben Kallo -- Baird", "Ryan Corbett, Chief Financial Officer".
_PARTICIPANT = re.compile(r"^(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.&'’-]*){1,6}?)\s*(?:\s-{1,2}\s|\s[–—]\s|,\s)\s*(?P<role>\S.{0,120})$")
_OPERATOR = re.compile(r"^(?:operator|moderator|host)\s*:?$", re.I)
# What a speaker says to run the call or the hearing, not about the business: short, no figure
# ("If I could assist the committee, Senator.", "I'll take that on notice.", "Thank you, Mr. Chairman.": hearings written here).
_COURTESY = re.compile(
    r"^(?:(?:thanks|thank you|good (?:morning|afternoon|evening|day)|congrat\w*|hey|hi|hello|welcome)\b(?:[^.!?\d]|\b(?:Mr|Mrs|Ms|Dr)\.){0,60}[.!?]$"
    r"|(?:it['’]s )?(?:good|great|glad|nice|a pleasure|happy) to (?:be here|be with you|be back|have you|join you)\b[^.!?\d]{0,30}[.!?]$"
    r"|[^\d]{0,80}\bturn (?:the call|it|things) (?:back )?over to\b[^\d]{0,60}$"
    r"|(?:if i (?:could|may|might)|may i|through you|with respect)\b[^.!?\d]{0,60}\b(?:committee|chair|senator|minister)\b[^.!?\d]{0,20}[.!?]$"
    r"|i(?:'ll|’ll| will) (?:have to )?take (?:that|it|the question) on notice[^.!?\d]{0,40}[.!?]$"
    # A spokesperson's set answers that answer nothing ("I'd refer you to the competent authorities.", "I'm not aware
    # of the report you mentioned.", "We will release information in due course.": a foreign ministry's briefing).
    r"|i(?:['’]d| would) refer you to\b[^.!?\d]{0,80}[.!?]$"
    r"|i(?:['’]m| am) not aware of (?:the|that|what)\b[^.!?\d]{0,50}[.!?]$|i have no information (?:to (?:offer|share)|on (?:that|this))\b[^.!?\d]{0,30}[.!?]$"
    r"|i have (?:one|two|a few|a couple of) things? at the top\b[^.!?\d]{0,30}[.!?]$|(?:with that, )?i(?:['’]ll| will) (?:now )?take your questions[.!?]$"
    r"|we will (?:release|share|provide) (?:the )?information (?:in due course|in a timely manner)[^.!?\d]{0,20}[.!?]$)",
    re.I,
)


INTERVIEWEE = "the interviewee"


class Side(StrEnum):
    company = "company"  # under "Company Participants", "Executives"
    others = "others"  # under "Conference Call Participants", "Analysts": the people asking
    unknown = "unknown"  # under "Participants": the role says
    host = "host"  # who holds a briefing or a show: speaks in the publication's voice, whoever publishes it


@dataclass(frozen=True)
class Turn:
    start: int  # the first character after the speaker line, or after "Name:" on the same line
    end: int
    speaker: str  # as the speaker line writes it; "Operator" for the operator
    role: str  # from the participants list ("Baird", "Chief Financial Officer"); an interview's opening; "" for the operator
    side: Side | None  # None for the operator

    @property
    def is_operator(self) -> bool:
        return self.side is None

    def described(self) -> str:
        """Whose turn it is, for a rationale."""
        if self.speaker == INTERVIEWEE:
            return "an answer of the interviewee the opening introduces"
        return f"{self.speaker}'s turn in the transcript" + (f" ({self.role})" if self.role else "")


def _lines(body: str) -> list[tuple[int, str]]:
    out, position = [], 0
    for line in body.split("\n"):
        out.append((position, line.strip()))
        position += len(line) + 1
    return out


def _participants(lines: list[tuple[int, str]]) -> dict[str, tuple[str, Side]]:
    """Name -> (role, side) from the participants lists near the top of the body."""
    found: dict[str, tuple[str, Side]] = {}
    side: Side | None = None
    for _, text in lines[:80]:
        if not text:
            continue
        if heading := _LIST_HEADING.match(text):
            named = (heading["side"] or "").lower()
            what = heading["what"].lower()
            side = (Side.company if named in ("company", "corporate", "management") or what == "executives"
                    else Side.others if named or what == "analysts" else Side.unknown)
            continue
        participant = _PARTICIPANT.match(text)
        if side is None or participant is None:
            if found:
                side = None  # the list has ended; a second list may follow under its own heading
            continue
        found[participant["name"]] = (participant["role"].strip(), side)
    return found


def _speaker(text: str, participants: dict[str, tuple[str, Side]]) -> tuple[str, str, Side | None] | None:
    """(name, role, side) when a line is a speaker line: a participant's name, alone or with their role
    or a colon, or the operator."""
    if _OPERATOR.match(text):
        return "Operator", "", None
    name = text.rstrip(":").strip()
    for known, (role, side) in participants.items():
        # "James Litinsky", "James Litinsky:", "James Litinsky - Founder, Chairman and CEO"; a Refinitiv
        # list writes "James Litinsky MP Materials Corp. - Chairman & CEO" and its turns "James Litinsky".
        listed = _PARTICIPANT.match(name)
        if name == known or known.startswith(name + " ") or (listed is not None and listed["name"] == known):
            return known, role, side
    return None


# A speaker's name and a colon before their words on the same line: "James Litinsky: Thanks, Martin…".
_INLINE_SPEAKER = re.compile(r"^(?P<name>[A-Z][\w.'’ -]{1,60}?)\s*:\s+(?=\S)")


# An interview's question and answer labels at a line's start ("Q: …", "A: …"): what follows the
# label is the statement.
QA_LABEL = re.compile(r"^(?:Q|A|Question|Answer)\s*:\s+")
_ANSWER = re.compile(r"^(?:A|Answer)\s*:\s+")
QUESTION_LABEL = re.compile(r"^(?:Q|Question)\s*:\s+")  # the interviewer's (or an FAQ's) question
# What an interview's opening says of itself, and an explainer's FAQ does not.
_INTERVIEW_CUE = re.compile(r"\binterview(?:ed|s)?\b|\bspoke (?:to|with)\b|\bin conversation with\b|\bsat down with\b|\btalked (?:to|with)\b", re.I)


def _interview(body: str, lines: list[tuple[int, str]]) -> list[Turn]:
    """An interview's answers ("A: …" up to the next "Q: …"), each the interviewee's: the person its
    opening introduces, whose role (`Turn.role`: the opening's title and first paragraph) says who they
    are ("Lynas Rare Earths chief executive Amanda Lacaze spoke to…"). At least two of each label, and
    an opening that says it is an interview: an explainer's "Q&A" section (sample train: "Project Vault
    — Q&A") is the publication's own voice, and reading it as an interview cost 28 statements."""
    answers = [start for start, text in lines if _ANSWER.match(text)]
    questions = [start for start, text in lines if QUESTION_LABEL.match(text)]
    if len(answers) < 2 or len(questions) < 2:
        return []
    opening = body[: min(questions[0], answers[0])].strip()
    if not _INTERVIEW_CUE.search(opening[-1500:]):  # an explainer's "Q&A" section answers in the publication's own voice
        return []
    out = []
    for start in answers:
        end = min([q for q in questions if q > start] + [len(body)])
        out.append(Turn(start, end, INTERVIEWEE, opening[-600:], Side.unknown))
    return out


# A hearing's or a parliament's transcript (Hansard, a congressional hearing): no participants list;
# each turn opens with a title, a name and a colon ("Senator CANAVAN:", "Ms Jones:", "The CHAIR:"), a
# news service's transcript writes the title in capitals too ("SEN. HARRIS:", "MR. DELGADO:"), and the
# Government Publishing Office's ends the name with a full stop ("Senator HARRIS. Thank you…").
_TITLE = r"(?:Senator|Sen|Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Rep|Representative|Minister|Secretary|Chairman|Chairwoman|Chair|Madam)"
_TITLED_SPEAKER = re.compile(
    rf"^(?P<name>(?:The\s+)?(?P<title>{_TITLE}|{_TITLE.upper()})\.?(?:\s+(?:the\s+Hon\.?\s+)?[A-Z][\w.'’-]*){{0,3}}?"
    r"|(?:The\s+)?CHAIR(?:MAN|WOMAN)?)\s*:\s+(?=\S)")
_GPO_SPEAKER = re.compile(  # the name in capitals is what marks it: "Senator Harris. …" is a sentence
    rf"^(?P<name>(?:The\s+)?(?P<title>{_TITLE})\.?(?:\s+[A-Z][a-z]+)?\s+[A-Z]{{2,}}(?:[-'’][A-Z]+)?|The\s+CHAIR(?:MAN|WOMAN)?)\.\s+(?=[A-Z])")
_HONORIFICS = {"Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "Madam"}  # say nothing of whom the speaker speaks for
_SHORT_TITLES = {"Sen": "Senator", "Rep": "Representative"}


def _title(written: str | None) -> str:
    """A speaker's title as a role: "SEN" and "Sen" are "Senator"; no title is the chair's."""
    if not written:
        return "Chair"
    title = written.capitalize() if written.isupper() else written
    return _SHORT_TITLES.get(title, title)


def _hearing(body: str, lines: list[tuple[int, str]]) -> list[Turn]:
    """A hearing's turns: at least three lines opening with a titled speaker, and two speakers. The
    role is the title ("Senator"), which says whom a speaker speaks for; an honorific says nothing."""
    heads = [(start, start + found.end(), found["name"], _title(found["title"]))
             for start, text in lines if (found := _TITLED_SPEAKER.match(text) or _GPO_SPEAKER.match(text))]
    if len(heads) < 3 or len({name for _, _, name, _ in heads}) < 2:
        return []
    ends = [line for line, _, _, _ in heads[1:]] + [len(body)]
    return [Turn(words, end, name, "" if title in _HONORIFICS else title, Side.unknown) for (_, words, name, title), end in zip(heads, ends)]


# A news outlet asking at a briefing ("CCTV:", "Bloomberg:", "China News Service:", "Reporter:"), as a
# foreign ministry's or a commerce ministry's regular press conference is transcribed.
_OUTLET_ASKING = re.compile(
    r"^(?:(?:The\s+)?[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,3}\s+(?:News|TV|Television|Daily|Times|Post|Agency|Radio|Media|Press|"
    r"Journal|Network|Broadcasting|Shimbun|Service|Group|Review|Weekly|Monthly|Magazine|Insider|Intelligence)"
    r"|CCTV|CGTN|Xinhua|AFP|AP|Reuters|Bloomberg|EFE|Kyodo|NHK|Nikkei|Yonhap|KBS|TASS|RIA Novosti|Sputnik|Al Jazeera|BBC|CNN|CNBC|"
    r"Caixin|Yicai|Bernama|Antara|PTI|ANSA|dpa|Lusa|The Paper|Phoenix TV|Dragon TV|Reporter|Journalist|Correspondent|Question|"
    r"REPORTER|QUESTION)$")  # a State Department briefing's "QUESTION:"


# Run-in labels that open lines as a speaker's name does: nobody answering ("Note: prices are ex-works").
_LABELS = {"note", "notes", "source", "sources", "update", "updated", "correction", "clarification", "editor's note", "editor’s note",
           "disclaimer", "disclosure", "background", "context", "summary", "why it matters", "bottom line"}


def _briefing(body: str, lines: list[tuple[int, str]]) -> list[Turn]:
    """A press conference's turns: outlets asking ("CCTV: …") and one person answering ("Lin Jian: …"),
    at least two of each. The outlet's turn is its reporter's (the premise of a question is theirs); the
    answers are the host's, the spokesperson's, who speaks for the publisher (a ministry's transcript).
    Where the opening says it is an interview ("… spoke to Mining Weekly"), the one answering is its
    interviewee instead, whom the opening introduces (`Turn.role`), as for "Q:" / "A:", and the one
    asking is the publication's own journalist: its questions' premises are its voice (the host's)."""
    heads = [(start, start + found.end(), found["name"].strip()) for start, text in lines
             if (found := _INLINE_SPEAKER.match(text)) and found["name"].strip().lower() not in _LABELS]
    asking = [head for head in heads if _OUTLET_ASKING.match(head[2])]
    answering = {name for _, _, name in heads if not _OUTLET_ASKING.match(name)}
    if len(asking) < 2 or len(answering) != 1 or len(heads) - len(asking) < 2:
        return []
    opening = body[: heads[0][0]].strip()
    interview = bool(_INTERVIEW_CUE.search(opening[-1500:]))
    ends = [line for line, _, _ in heads[1:]] + [len(body)]
    return [(Turn(words, end, name, "", Side.host) if interview else Turn(words, end, name, name, Side.others)) if _OUTLET_ASKING.match(name)
            else Turn(words, end, name, opening[-600:], Side.unknown) if interview else Turn(words, end, name, "", Side.host)
            for (_, words, name), end in zip(heads, ends)]


# Who asks at a briefing without naming an outlet.
_ANONYMOUS_ASKING = {"reporter", "journalist", "correspondent", "question"}


def interviewer(body: str) -> str | None:
    """The outlet an interview's questions are put in the name of ("Mining Weekly: …" under "… spoke to
    Mining Weekly"): the interview is its, so it publishes it when nothing else names a publisher."""
    asking = {turn.speaker for turn in turns(body) if turn.side == Side.host and _OUTLET_ASKING.match(turn.speaker)}
    if len(asking) != 1:
        return None
    name = asking.pop()
    return None if name.lower() in _ANONYMOUS_ASKING else name


# A transcription service's speaker line with the time the turn starts: "Jane Morrow (00:00:04):", "[00:01:20] David Okafor:",
# "Jane Morrow  0:04", "Speaker 2  0:15", as podcasts, webinars and videos are transcribed.
_STAMPED_SPEAKER = re.compile(
    r"^(?:\[?(?P<before>\d{1,2}:\d{2}(?::\d{2})?)\]?\s+)?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s+\d{1,2})?)"
    r"(?(before)\s*:|\s*[(\[]?\s*\d{1,2}:\d{2}(?::\d{2})?\s*[)\]]?\s*:?)\s*(?=\S|$)")


def _stamped(body: str, lines: list[tuple[int, str]]) -> list[Turn]:
    """A time-stamped transcript's turns (a podcast, a webinar): at least three speaker lines, two
    speakers, one of them speaking again (an agenda's "Opening Remarks 9:00", "Panel 10:30" names each item
    once). The first to speak hosts it and speaks in the publication's voice; the others are its guests,
    whose words are their own (a third party's, unless what they say names someone else)."""
    heads = [(start, start + found.end(), found["name"]) for start, text in lines if (found := _STAMPED_SPEAKER.match(text))]
    names = [name for _, _, name in heads]
    if len(heads) < 3 or len(set(names)) < 2 or len(set(names)) == len(names):
        return []
    ends = [line for line, _, _ in heads[1:]] + [len(body)]
    if any(_OPERATOR.match(name) for _, _, name in heads):
        # A call transcribed so ("Operator (00:00:01):"): which speakers are the company's it does not say, so
        # all but the operator speak in the publication's voice, as they did before their turns were read.
        return [Turn(words, end, "Operator" if _OPERATOR.match(name) else name, "", None if _OPERATOR.match(name) else Side.host)
                for (_, words, name), end in zip(heads, ends)]
    host = heads[0][2]
    return [Turn(words, end, name, "", Side.host if name == host else Side.unknown) for (_, words, name), end in zip(heads, ends)]


def turns(body: str) -> list[Turn]:
    """The body's turns in order; [] when it is no transcript (no participants list and speaker lines,
    no interview's answers)."""
    return list(_turns(body))


@lru_cache(maxsize=8)  # one analysis reads them three times (statements, key sentences, attribution)
def _turns(body: str) -> tuple[Turn, ...]:
    lines = _lines(body)
    participants = _participants(lines)
    if len(participants) < 2:
        return tuple(_hearing(body, lines) or _briefing(body, lines) or _stamped(body, lines) or _interview(body, lines))
    # The participants list itself is no turn: a speaker line counts once the list is behind it.
    list_end = max((start for start, text in lines[:80] if _PARTICIPANT.match(text) and _speaker(text, participants)), default=-1)
    heads = []  # (where the line starts, where the turn's words start, who)
    for start, text in lines:
        if start <= list_end or not text:
            continue
        if (found := _speaker(text, participants)) is not None:
            heads.append((start, start + len(text), found))
        elif (inline := _INLINE_SPEAKER.match(text)) and (found := _speaker(inline["name"], participants)) is not None:
            heads.append((start, start + inline.end(), found))  # "James Litinsky: Thanks, Martin…"
    if len(heads) < 2:
        return ()
    return tuple(Turn(words, following[0] if following else len(body), name, role, side)
                 for (_, words, (name, role, side)), following in zip(heads, [*heads[1:], None]))


def turn_at(found: list[Turn], offset: int) -> Turn | None:
    return next((turn for turn in found if turn.start <= offset < turn.end), None)


# What may come before the name a speaker addresses: "Yes, Ben, we…", "So Laurence, our…".
_ADDRESS_LEAD = re.compile(r"(?:(?:yes|yeah|sure|so|well|great|right|okay|ok|no)\b,?\s+)?", re.I)


def address_end(found: list[Turn], sentence: str, offset: int) -> int:
    """Where the name a speaker opens a sentence with, addressing another participant, ends ("Laurence,
    our heavy rare earth circuit…" → the offset of "our"); 0 when the sentence addresses nobody. The
    name is said to the one who asked, not about the business: no part of a statement or a highlight."""
    turn = turn_at(found, offset)
    if turn is None or turn.is_operator:
        return 0
    names = {name for t in found if not t.is_operator and t.speaker != INTERVIEWEE for name in (t.speaker, t.speaker.split()[0])}
    lead = _ADDRESS_LEAD.match(sentence)
    at = lead.end() if lead else 0
    for name in sorted(names, key=len, reverse=True):  # "Ben Kallo" before "Ben"
        if sentence.startswith(name, at) and (comma := re.match(r"\s*,\s+(?=\S)", sentence[at + len(name) :])):
            return at + len(name) + comma.end()
    return 0


def is_procedure(found: list[Turn], sentence: str, offset: int) -> bool:
    """Whether a sentence at `offset` runs the call rather than saying anything: the operator's, or a
    courtesy in a turn ("Thank you, operator.", "With that, I will turn the call over to Jim.")."""
    turn = turn_at(found, offset)
    if turn is None:
        return False
    # "David, thanks for coming on.": a courtesy after the name it addresses.
    return turn.is_operator or any(_COURTESY.match(said.strip()) for said in (sentence, sentence[address_end(found, sentence, offset) :]))
