"""Value rules of the data files: ids, jurisdictions, PMID/DOI, identifier formats, registry ids,
and the mirror and staging hosts a source may (marked) or may never cite.

Plain string checks rather than regular expressions: compiling a handful of patterns
costs several ms at every start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_SOURCE_ID_CHARS = _ID_CHARS | frozenset("._")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_UPPER_DIGITS = _UPPER | frozenset("0123456789")


def is_id(s: str) -> bool:
    """A record id: [a-z0-9][a-z0-9-]{0,63}."""
    return 0 < len(s) <= 64 and s[0] != "-" and set(s) <= _ID_CHARS


def is_source_id(s: str) -> bool:
    """A source id: [a-z0-9][a-z0-9._-]{0,127}."""
    return 0 < len(s) <= 128 and s[0] not in "-._" and set(s) <= _SOURCE_ID_CHARS


def is_jurisdiction(s: str) -> bool:
    """US, GB, AU, EU, INTL, or a subdivision such as US-OR."""
    if s in ("EU", "INTL"):
        return True
    country, _, sub = s.partition("-")
    ok = len(country) == 2 and set(country) <= _UPPER
    return ok and (not _ or (0 < len(sub) <= 3 and set(sub) <= _UPPER_DIGITS))


def _is_pmid(s: str) -> bool:
    return 0 < len(s) <= 9 and s.isascii() and s.isdigit()


def _is_doi(s: str) -> bool:
    prefix, slash, rest = s.partition("/")
    return (
        prefix.startswith("10.") and prefix[3:].isdigit() and bool(slash and rest) and not any(c.isspace() for c in s)
    )


def is_http_url(url: str) -> bool:
    """`text.is_http_url` (a string rule, kept with the other string rules), imported on first use."""
    from psycompare.text import is_http_url as rule

    return rule(url)


_is_url = is_http_url


# Hosts that copy, summarise or re-post primary documents (mirrors, aggregators, content farms,
# wiki mirrors, web archives). The one list: `data validate`, docs/schema.md and tests read it.
# A source on one of them must say so: `secondary = true` and a `note` naming what it stands in for.
MIRROR_HOSTS = (
    "abcdocz.com",
    "assyro.com",
    "canpharm.com",
    "chemeurope.com",
    "clinicaltrialexchange.com",
    "cme30.eu",
    "colorado.public.law",
    "ctv.veeva.com",
    "docslib.org",
    "drugs.com",
    "dweb.link",
    "e-med.co.il",
    "easyinvestix.com",
    "einpresswire.com",
    "everything.explained.today",
    "fda.report",
    "findatwiki.com",
    "funandflip.com",
    "issuhub.com",
    "itiger.com",
    "justia.com",
    "kleineanfragen.de",
    "lexbuild.dev",
    "maestrodatabase.com",
    "mdma.net",
    "mdpsychfoundation.org",
    "meddatax.com",
    "medicoreinc.com",
    "medlibrary.org",
    "medpath.com",
    "medthority.com",
    "mims.com",
    "miragenews.com",
    "myhealthbox.eu",
    "ndclist.com",
    "openjurist.org",
    "ouci.dntb.gov.ua",
    "patriotshemp.com",
    "prideseotools.com",
    "psychedelicnetwork.org.uk",
    "ramaonhealthcare.com",
    "richxsearch.com",
    "rxdruglabels.com",
    "rxmed.com",
    "rxreasoner.com",
    "scribd.com",
    "stockysis.com",
    "studylib.net",
    "synapse.patsnap.com",
    "toad.com",
    "twilightparadox.com",
    "web.archive.org",
    "webarchive.library.unt.edu",
    "webharvest.gov",
    "wikisource.org",
)
MIRROR_PREFIXES = ("vdocuments.",)  # vdocuments.mx, vdocuments.site, ...
# Staging, development, test and demo hosts, and raw cloud origins: never a source, marked or not.
# A host label (any but the top-level domain) in STAGING_LABELS, or ending in "-dev"/"dev" after a
# name (mimsdev), or a host under one of STAGING_SUFFIXES, or localhost / an IP address.
STAGING_LABELS = frozenset(
    ("dev", "develop", "development", "staging", "stage", "stg", "sit", "uat", "qa", "test", "testing")
    + ("demo", "sandbox", "preview", "preprod", "pre-prod", "localhost")
)
STAGING_SUFFIXES = (
    "azurewebsites.net",
    "herokuapp.com",
    "vercel.app",
    "netlify.app",
    "ngrok.io",
    "ngrok-free.app",
    "appspot.com",
    "onrender.com",
)


def url_host(url: str) -> str:
    """A URL's host, lower-case, without user or port (an IPv6 host keeps its brackets)."""
    host = url.partition("://")[2].split("/", 1)[0].rpartition("@")[2].lower()
    return host.rpartition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]


def mirror_host(url: str) -> str:
    """The known mirror/aggregator host a URL is on, or ""."""
    host = url_host(url)
    if any(f".{p}" in f".{host}" for p in MIRROR_PREFIXES):
        return host
    return host if _under(host, MIRROR_HOSTS) else ""


def staging_host(url: str) -> str:
    """The staging, development, demo or raw cloud-origin host a URL is on, or ""."""
    host = url_host(url)
    labels = host.split(".")
    if host == "localhost" or host.startswith("[") or all(p.isdigit() for p in labels):
        return host
    for label in labels[:-1]:
        if label in STAGING_LABELS or label.startswith(("dev-", "staging-", "stg-")):
            return host
        if label.endswith(("-dev", "-staging", "-stg")) or (label.endswith("dev") and len(label) > 5):
            return host
    return host if _under(host, STAGING_SUFFIXES) else ""


def _under(host: str, domains: Iterable[str]) -> bool:
    """True when the host is one of the domains or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_cas(s: str) -> bool:
    """A CAS Registry Number with a valid check digit: 2-7 digits, 2 digits, 1 check digit."""
    parts = s.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return False
    if not (2 <= len(parts[0]) <= 7 and len(parts[1]) == 2 and len(parts[2]) == 1):
        return False
    digits = (parts[0] + parts[1])[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(parts[2])


def _is_inchikey(s: str) -> bool:
    parts = s.split("-")
    return [len(p) for p in parts] == [14, 10, 1] and all(set(p) <= _UPPER for p in parts)


def _is_atc(s: str) -> bool:
    return (
        len(s) == 7
        and s[0] in _UPPER
        and s[1:3].isdigit()
        and set(s[3:5]) <= _UPPER
        and s[5:7].isascii()
        and s[5:7].isdigit()
    )


def _digits(s: str) -> bool:
    return 0 < len(s) <= 12 and s.isascii() and s.isdigit()


IDENTIFIER_CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "cas": (_is_cas, "a CAS number with a valid check digit, such as 6740-88-1"),
    "cas_salts": (_is_cas, "a CAS number with a valid check digit, such as 1867-66-9"),
    "unii": (lambda s: len(s) == 10 and set(s) <= _UPPER_DIGITS, "a 10-character UNII such as 690G0D6V8H"),
    "pubchem_cid": (_digits, "a PubChem CID (digits)"),
    "inchikey": (_is_inchikey, "a standard InChIKey (14-10-1 upper-case letters)"),
    "chebi": (lambda s: s.startswith("CHEBI:") and _digits(s[6:]), "a ChEBI id such as CHEBI:6121"),
    "drugbank": (lambda s: len(s) == 7 and s.startswith("DB") and _digits(s[2:]), "a DrugBank id such as DB01221"),
    "atc": (_is_atc, "a 7-character ATC code such as N01AX03"),
    "rxnorm": (_digits, "an RxNorm concept id (digits)"),
}


def _registry_id_ok(s: str) -> bool:
    """NCT ids are checked exactly (NCT + 8 digits); other registries' ids need only a prefix and no spaces."""
    if s.startswith("NCT"):
        return len(s) == 11 and _digits(s[3:])
    return 3 <= len(s) <= 40 and not any(c.isspace() for c in s) and s[:1] in _UPPER
