"""Technical tokens recognised by their shape, whatever the word: paths, server names,
versions, network addresses, command-line options, code names, settings, ticket numbers,
status codes and measurements in technical units. No list can name them all; their form
says what kind of thing they are.

`find_shapes(prose)` yields (start, end, kind) over the masked prose.
"""

from __future__ import annotations

import re

# Order matters: the first alternative that matches at a position wins.
SHAPES: tuple[tuple[str, str], ...] = (
    ("file path", r"(?:~|\.{1,2})?/(?:[\w.+-]+/)+[\w.+-]*[\w+-]"  # ~/Library/..., /var/log/x
                  r"|/(?:var|etc|usr|tmp|home|opt|boot|srv|mnt|root|proc|dev)\b"  # /var
                  r"|\b[A-Za-z]:\\[^\s,;]+|\\\\[\w.-]+\\[^\s,;]+"),  # C:\..., \\server\share
    ("network address", r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b"),
    ("web or server address",
     r"\b(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|io|local|corp|internal|lan|intra|cloud|"
     r"ac\.uk|co\.uk|gov|edu|uk|de|fr|nl|eu|ie|au|ca|us|app|dev|biz|info)\b(?![\w-])"),
    ("program file", r"\b[\w-]+\.(?:exe|msi|dll|ps1|bat|cmd|sh|vbs|jar|pkg|dmg|cfg|conf|ini|"
                     r"ya?ml|json|xml|log|pst|ost|sql|py|js|csv)\b"),
    # max-age=31536000, p=quarantine (not "y=4": a one-letter name needs a word after it)
    ("setting", r"[A-Za-z][\w.-]{1,30}=[\w.:/-]+|[A-Za-z]=[A-Za-z][\w.:/-]*"),
    ("version number", r"(?<![\w.])(?:[vVR]\d+(?:\.\d+)+|\d+\.\d+\.\d+(?:\.\d+)?|"
                       r"\d+\.\d+[a-zA-Z]{1,3}|\d{2}H[12])(?![\w-]|\.\w)"),
    ("ticket number", r"\b(?:[A-Z]{2,5}\d{5,}|[A-Z]{2,5}-\d{3,})\b"),
    ("status code", r"\b[1-5]\d\d(?=\s+(?:errors?|error codes?|responses?|status|codes?)\b)"
                    r"|\b(?:HTTP|error|code|status)\s+[1-5]\d\d\b"),
    ("network port", r"\b(?:UDP|TCP|port|ports)\s+\d{2,5}\b"),
    # a speed, frequency or resolution: sizes (MB, GB) are known, these are not
    ("technical measurement", r"\b\d+(?:\.\d+)?\s?(?:[kKMGT]bps|[kKMGT]b/s|[kMG]Hz|dpi|ppi|IOPS)"
                              r"(?![\w/])"),
    ("command-line option", r"(?<![\w/-])(?:--?[A-Za-z][\w-]*[\w]|/(?:[a-z]{3,})(?![\w/.]))"
                            r"(?=[\s,.;:)]|$)"),
    ("code name", r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b"  # snake_case, E_MATNR_NOT_FOUND
                  r"|\b[A-Z][a-z]+(?:[A-Z][a-z0-9]+){2,}\b"  # OutOfMemoryException
                  r"|\b[a-z][A-Z]{2,}[A-Za-z0-9]*\b"),  # cXML, iSCSI: a format's name
    ("server name", r"(?<![\w.-])[a-z]{2,}(?:-[a-z]+)*-?\d{1,3}[a-z]?(?![\w-]|\.\w)"
                    # in capitals, too long for an acronym: SQLPRD02, BRK-PRT01
                    r"|(?=[A-Z0-9-]{7,}$)(?!COVID)[A-Z]{2,}(?:-?[A-Z]+)*-?\d{1,3}"),
)
# Shapes of one token are tested only on tokens that hold a digit, a slash, an underscore,
# an equals sign, an inner dot or capital, or open with a dash: a cheap search finds those
# characters and the token around each is cut out by hand; the rest of the prose is never
# looked at.
# Every branch opens on a character class, so the engine skips the rest of the prose
# fast ("[a-z][A-Z]" and "(?<!\S)-" would be tried at every letter)
TRIGGER_RE = re.compile(r"[\d/\\_=]|\.\w|[A-Z](?<=[a-z][A-Z])|-(?<!\S-)")
DELIMITERS = frozenset(" \t\n\r\f\v\u00a0,;()[]\"'")
TRAILING = ".:!?"
MULTI_WORD = {"status code": "status", "network port": "port",
              "technical measurement": "measurement"}  # kind -> its group's name
TOKEN_SHAPES = tuple((kind, re.compile(pattern)) for kind, pattern in SHAPES
                     if kind not in MULTI_WORD)
MULTI_WORD_RE = re.compile("|".join(f"(?P<{MULTI_WORD[k]}>{p})" for k, p in SHAPES
                                     if k in MULTI_WORD))
KIND_OF_GROUP = {group: kind for kind, group in MULTI_WORD.items()}
TWO_PART_RE = re.compile(r"\d{1,2}\.\d{1,3}")
NAME_BEFORE_RE = re.compile(r"\b([A-Z][\w-]*)\s+$")
PLACE_NAMES = frozenset(["room", "building", "floor", "level", "block", "suite", "gate", "bay",
                         "section", "chapter", "clause", "step", "figure", "table", "page",
                         "version", "release", "unit", "phase", "line"])
MULTI_WORD_TRIGGERS = ("error", "code", "status", "response", "http", "udp", "tcp", "port",
                       "bps", "b/s", "hz", "dpi", "ppi", "iops")
DATE_RE = re.compile(r"\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})")
# a short lower-case word with digits is often ordinary: "mp3", "a4", "covid19", "x2"
NOT_SERVER_NAMES = frozenset(["mp3", "mp4", "covid", "a4", "a3", "a5", "b2b", "h1", "h2", "q1",
                              "q2", "q3", "q4", "p1", "p2", "p3", "p4", "iphone"])


def _tokens(prose: str, trigger: re.Pattern[str] = TRIGGER_RE) -> list[tuple[int, str]]:
    """(start, token) of every whitespace-delimited token holding a trigger character."""
    out = []
    end = -1
    n = len(prose)
    for m in trigger.finditer(prose):
        if m.start() < end:
            continue
        start = m.start()
        while start > 0 and prose[start - 1] not in DELIMITERS:
            start -= 1
        end = m.end()
        while end < n and prose[end] not in DELIMITERS:
            end += 1
        out.append((start, prose[start:end]))
    return out


def find_shapes(prose: str) -> list[tuple[int, int, str]]:
    found = []
    for start, raw in _tokens(prose):
        token = raw.rstrip(TRAILING)
        if not token:
            continue
        for kind, pattern in TOKEN_SHAPES:
            if pattern.fullmatch(token) and _plausible(kind, token, prose, start):
                if _for_the_reader(kind, token, prose, start):
                    kind = QUOTED_REFERENCE
                found.append((start, start + len(token), kind))
                break
        else:
            if TWO_PART_RE.fullmatch(token) and _after_a_name(prose, start):
                found.append((start, start + len(token), "version number"))
    low = prose.lower()
    if any(word in low for word in MULTI_WORD_TRIGGERS):
        taken = [(a, b) for a, b, _ in found]
        for m in MULTI_WORD_RE.finditer(prose):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                found.append((m.start(), m.end(), KIND_OF_GROUP[m.lastgroup or '']))
        found.sort()
    return found


def _after_a_name(prose: str, start: int) -> bool:
    """"macOS Sonoma 14.6", "TPM 2.0": a two-part number right after a product's name is
    its version ("Room 2.14" and "Building 3.1" name places)."""
    before = NAME_BEFORE_RE.search(prose, max(0, start - 30), start)
    return before is not None and before.group(1).lower() not in PLACE_NAMES


# "quote INC0095512", "your reference is REQ-1234": a number the reader is asked to give
# back is what they need, not jargon to explain
TO_QUOTE_RE = re.compile(r"\b(?:quote|quoting|reference|ref|ticket|case|number|no)\.?"
                         r"(?:\s+(?:is|was|number|no\.?))?\s*[:#]?\s*$", re.IGNORECASE)
# The records of a service desk (incidents, changes, requests, problems, tasks): staff
# see these numbers in the desk's emails and quote them back; they name a record, they
# are not a term to explain. Other codes of that shape (ORA-01555, KB5034441) still are.
TICKET_PREFIXES = frozenset(["INC", "CHG", "RITM", "REQ", "PRB", "TASK", "SCTASK", "CS", "TKT",
                             "CR", "RFC", "SR", "WO"])
# "register at passwordreset.microsoftonline.com", "the new address is vpn.example.org":
# an address the reader is told to go to, type or look out for is an instruction
TO_VISIT_RE = re.compile(r"\b(?:visit|go\s+to|browse\s+to|open|type|type\s+in|enter|use|"
                         r"at|via|(?:address|domain|link|site|page|url)\s+(?:is|was))"
                         r"\s*[:(]?\s*$", re.IGNORECASE)
# A machine's own name, not a site a person opens: an internal-only suffix, or a first
# label naming a mail, directory, sign-in or database server
INTERNAL_SUFFIXES = (".local", ".corp", ".internal", ".lan", ".intra")
SERVER_HOST_RE = re.compile(r"(?:smtp|imap|pop3?|ldaps?|sts|adfs|autodiscover|relay|ns|mx|dc|"
                            r"sql|db|srv)\d*\.", re.IGNORECASE)
LOOK_BACK = 30


def _for_the_reader(kind: str, token: str, prose: str, start: int) -> bool:
    """What the reader needs as it is, not a term to explain: a service desk's record
    number, or any number the reader is asked to quote; a web site's address, or any
    address the reader is told to visit. A server's own address is still reported."""
    if kind == "ticket number":
        return token.rstrip("0123456789").rstrip("-") in TICKET_PREFIXES or \
            TO_QUOTE_RE.search(prose, max(0, start - LOOK_BACK), start) is not None
    if kind == "web or server address":
        return not _a_server_address(token) or \
            TO_VISIT_RE.search(prose, max(0, start - LOOK_BACK), start) is not None
    return False


def _a_server_address(address: str) -> bool:
    """"sts.corp.local", "smtp.office365.com": a machine's name. "brightwater.co.uk",
    "vpn.example.ac.uk": a site or service a person opens."""
    return address.lower().endswith(INTERNAL_SUFFIXES) or \
        SERVER_HOST_RE.match(address) is not None


EVERYDAY_CODE_NAMES = frozenset(["iOS"])  # shaped like a format's name, known from phones
QUOTED_REFERENCE = "reference to quote"  # a reference or address the reader needs as it is:
# no finding, and no other finding either


def _plausible(kind: str, token: str, prose: str, start: int) -> bool:
    if kind == "code name":
        return token not in EVERYDAY_CODE_NAMES
    if kind == "server name":
        return not _ordinary(token)
    if kind == "version number":
        return not DATE_RE.fullmatch(token)
    if kind == "command-line option" and token.startswith("/"):
        return not _looks_like_fraction(prose, start)
    return True


def _ordinary(word: str) -> bool:
    letters = word.rstrip("0123456789")
    return word in NOT_SERVER_NAMES or letters in NOT_SERVER_NAMES or len(letters) < 2


def _looks_like_fraction(prose: str, start: int) -> bool:
    """"24/7", "and/or", "km/h" are not options; an option follows a space."""
    return start > 0 and not prose[start - 1].isspace()
