"""The schema's old single module, now a door to its parts (PEP 562, resolved on first use).

`schema.rules` held field specs, value checks, the checker, the TOML locator and the
model-to-dict conversion in one 966-line file. They live in `schema/fields.py`,
`schema/checks.py`, `schema/checker.py`, `schema/locate.py` and `schema/convert.py`;
every name still imports from here (`from psycompare.schema import rules as schema`;
`schema.Field`), loading only the part that holds it. New code imports the part.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see (`X as X`: a re-export); at run time __getattr__ imports on use
    from psycompare.schema.checker import (
        _check_history_and_ids as _check_history_and_ids,
    )
    from psycompare.schema.checker import (
        _check_ranks as _check_ranks,
    )
    from psycompare.schema.checker import (
        _check_secondary as _check_secondary,
    )
    from psycompare.schema.checker import (
        _Checker as _Checker,
    )
    from psycompare.schema.checker import (
        _type_name as _type_name,
    )
    from psycompare.schema.checker import (
        completeness as completeness,
    )
    from psycompare.schema.checker import (
        validate_info as validate_info,
    )
    from psycompare.schema.checker import (
        validate_record as validate_record,
    )
    from psycompare.schema.checker import (
        validate_sources as validate_sources,
    )
    from psycompare.schema.checks import (
        _ID_CHARS as _ID_CHARS,
    )
    from psycompare.schema.checks import (
        _SOURCE_ID_CHARS as _SOURCE_ID_CHARS,
    )
    from psycompare.schema.checks import (
        _UPPER as _UPPER,
    )
    from psycompare.schema.checks import (
        _UPPER_DIGITS as _UPPER_DIGITS,
    )
    from psycompare.schema.checks import (
        IDENTIFIER_CHECKS as IDENTIFIER_CHECKS,
    )
    from psycompare.schema.checks import (
        MIRROR_HOSTS as MIRROR_HOSTS,
    )
    from psycompare.schema.checks import (
        MIRROR_PREFIXES as MIRROR_PREFIXES,
    )
    from psycompare.schema.checks import (
        STAGING_LABELS as STAGING_LABELS,
    )
    from psycompare.schema.checks import (
        STAGING_SUFFIXES as STAGING_SUFFIXES,
    )
    from psycompare.schema.checks import (
        _digits as _digits,
    )
    from psycompare.schema.checks import (
        _is_atc as _is_atc,
    )
    from psycompare.schema.checks import (
        _is_cas as _is_cas,
    )
    from psycompare.schema.checks import (
        _is_doi as _is_doi,
    )
    from psycompare.schema.checks import (
        _is_inchikey as _is_inchikey,
    )
    from psycompare.schema.checks import (
        _is_pmid as _is_pmid,
    )
    from psycompare.schema.checks import (
        _is_url as _is_url,
    )
    from psycompare.schema.checks import (
        _registry_id_ok as _registry_id_ok,
    )
    from psycompare.schema.checks import (
        is_http_url as is_http_url,
    )
    from psycompare.schema.checks import (
        is_id as is_id,
    )
    from psycompare.schema.checks import (
        is_jurisdiction as is_jurisdiction,
    )
    from psycompare.schema.checks import (
        is_source_id as is_source_id,
    )
    from psycompare.schema.checks import (
        mirror_host as mirror_host,
    )
    from psycompare.schema.checks import (
        staging_host as staging_host,
    )
    from psycompare.schema.convert import (
        _plain as _plain,
    )
    from psycompare.schema.convert import (
        record_to_dict as record_to_dict,
    )
    from psycompare.schema.convert import (
        source_to_dict as source_to_dict,
    )
    from psycompare.schema.fields import (
        _FIRST_OF_CLASS as _FIRST_OF_CLASS,
    )
    from psycompare.schema.fields import (
        AS_OF as AS_OF,
    )
    from psycompare.schema.fields import (
        FACT_FIELDS as FACT_FIELDS,
    )
    from psycompare.schema.fields import (
        LIST_SECTIONS as LIST_SECTIONS,
    )
    from psycompare.schema.fields import (
        LOCATOR as LOCATOR,
    )
    from psycompare.schema.fields import (
        REQUIRED_SECTIONS as REQUIRED_SECTIONS,
    )
    from psycompare.schema.fields import (
        SCHEMA_VERSION as SCHEMA_VERSION,
    )
    from psycompare.schema.fields import (
        SECTION_BY_KEY as SECTION_BY_KEY,
    )
    from psycompare.schema.fields import (
        SECTIONS as SECTIONS,
    )
    from psycompare.schema.fields import (
        SHORT as SHORT,
    )
    from psycompare.schema.fields import (
        SHORT_ITEM as SHORT_ITEM,
    )
    from psycompare.schema.fields import (
        SHORT_STATUS as SHORT_STATUS,
    )
    from psycompare.schema.fields import (
        SHORT_TRIAL as SHORT_TRIAL,
    )
    from psycompare.schema.fields import (
        SOURCE_FIELDS as SOURCE_FIELDS,
    )
    from psycompare.schema.fields import (
        SRC as SRC,
    )
    from psycompare.schema.fields import (
        STATUS_FIELDS as STATUS_FIELDS,
    )
    from psycompare.schema.fields import (
        TOP as TOP,
    )
    from psycompare.schema.fields import (
        TOP_FIELDS as TOP_FIELDS,
    )
    from psycompare.schema.fields import (
        TOP_MAX as TOP_MAX,
    )
    from psycompare.schema.fields import (
        Field as Field,
    )
    from psycompare.schema.fields import (
        Path_ as Path_,
    )
    from psycompare.schema.fields import (
        Section as Section,
    )
    from psycompare.schema.fields import (
        printed_as as printed_as,
    )
    from psycompare.schema.fields import (
        section_of as section_of,
    )
    from psycompare.schema.locate import (
        _BARE_KEY as _BARE_KEY,
    )
    from psycompare.schema.locate import (
        Locator as Locator,
    )
    from psycompare.schema.locate import (
        _header_of as _header_of,
    )
    from psycompare.schema.locate import (
        _key_of as _key_of,
    )
    from psycompare.schema.locate import (
        dotted as dotted,
    )

_HOME = {
    # fields.py
    "SCHEMA_VERSION": "fields",
    "Path_": "fields",
    "Field": "fields",
    "Section": "fields",
    "SRC": "fields",
    "AS_OF": "fields",
    "FACT_FIELDS": "fields",
    "SHORT_STATUS": "fields",
    "SHORT_ITEM": "fields",
    "SHORT_TRIAL": "fields",
    "TOP_MAX": "fields",
    "SHORT": "fields",
    "TOP": "fields",
    "STATUS_FIELDS": "fields",
    "SECTIONS": "fields",
    "LOCATOR": "fields",
    "SECTION_BY_KEY": "fields",
    "_FIRST_OF_CLASS": "fields",
    "printed_as": "fields",
    "section_of": "fields",
    "REQUIRED_SECTIONS": "fields",
    "TOP_FIELDS": "fields",
    "SOURCE_FIELDS": "fields",
    "LIST_SECTIONS": "fields",
    # checks.py
    "_ID_CHARS": "checks",
    "_SOURCE_ID_CHARS": "checks",
    "_UPPER": "checks",
    "_UPPER_DIGITS": "checks",
    "is_id": "checks",
    "is_source_id": "checks",
    "is_jurisdiction": "checks",
    "_is_pmid": "checks",
    "_is_doi": "checks",
    "is_http_url": "checks",
    "_is_url": "checks",
    "MIRROR_HOSTS": "checks",
    "MIRROR_PREFIXES": "checks",
    "STAGING_LABELS": "checks",
    "STAGING_SUFFIXES": "checks",
    "mirror_host": "checks",
    "staging_host": "checks",
    "_is_cas": "checks",
    "_is_inchikey": "checks",
    "_is_atc": "checks",
    "_digits": "checks",
    "IDENTIFIER_CHECKS": "checks",
    "_registry_id_ok": "checks",
    # checker.py
    "_type_name": "checker",
    "_Checker": "checker",
    "validate_record": "checker",
    "_check_ranks": "checker",
    "_check_history_and_ids": "checker",
    "completeness": "checker",
    "validate_sources": "checker",
    "_check_secondary": "checker",
    "validate_info": "checker",
    # locate.py
    "dotted": "locate",
    "_BARE_KEY": "locate",
    "_header_of": "locate",
    "_key_of": "locate",
    "Locator": "locate",
    # convert.py
    "_plain": "convert",
    "record_to_dict": "convert",
    "source_to_dict": "convert",
}


def __getattr__(name: str) -> Any:
    part = _HOME.get(name)
    if part is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"psycompare.schema.{part}"), name)
    globals()[name] = value  # the next lookup is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
