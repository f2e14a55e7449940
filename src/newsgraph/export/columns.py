"""Column names and types of the GDELT 2.0 files, in the order of the codebooks.

``GDELT-Event_Codebook-V2.0`` (the Event and Mentions tables) and
``GDELT-Global_Knowledge_Graph_Codebook-V2.1`` (the GKG). The types are the codebooks'
(integer, numeric, string) as pandas dtypes; integers that may be empty are nullable
(``Int64``). ``pandas.read_csv(path, sep="\\t", header=None, names=EVENT_COLUMNS,
dtype=EVENT_DTYPES, quoting=csv.QUOTE_NONE)`` reads an exported file.
"""

from __future__ import annotations

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)

EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO),
    *(f"Actor2Geo_{c}" for c in _GEO),
    *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
)

MENTION_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "EventTimeDate",
    "MentionTimeDate",
    "MentionType",
    "MentionSourceName",
    "MentionIdentifier",
    "SentenceID",
    "Actor1CharOffset",
    "Actor2CharOffset",
    "ActionCharOffset",
    "InRawText",
    "Confidence",
    "MentionDocLen",
    "MentionDocTone",
    "MentionDocTranslationInfo",
    "Extras",
)

GKG_COLUMNS: tuple[str, ...] = (
    "GKGRECORDID",
    "DATE",
    "SourceCollectionIdentifier",
    "SourceCommonName",
    "DocumentIdentifier",
    "Counts",
    "V2Counts",
    "Themes",
    "V2Themes",
    "Locations",
    "V2Locations",
    "Persons",
    "V2Persons",
    "Organizations",
    "V2Organizations",
    "V2Tone",
    "Dates",
    "GCAM",
    "SharingImage",
    "RelatedImages",
    "SocialImageEmbeds",
    "SocialVideoEmbeds",
    "Quotations",
    "AllNames",
    "Amounts",
    "TranslationInfo",
    "Extras",
)


def _dtypes(columns: tuple[str, ...], ints: set[str], nullable: set[str], floats: set[str]) -> dict[str, str]:
    out = {}
    for c in columns:
        if c in ints:
            out[c] = "int64"
        elif c in nullable:
            out[c] = "Int64"
        elif c in floats:
            out[c] = "float64"
        else:
            out[c] = "string"
    return out


EVENT_DTYPES = _dtypes(
    EVENT_COLUMNS,
    ints={"GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "NumMentions", "NumSources"}
    | {"NumArticles", "DATEADDED"},
    nullable={"QuadClass", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type"},
    floats={"FractionDate", "GoldsteinScale", "AvgTone"}
    | {f"{g}_{c}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo") for c in ("Lat", "Long")},
)
MENTION_DTYPES = _dtypes(
    MENTION_COLUMNS,
    ints={"GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "SentenceID", "Actor1CharOffset"}
    | {"Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence", "MentionDocLen"},
    nullable=set(),
    floats={"MentionDocTone"},
)
GKG_DTYPES = _dtypes(GKG_COLUMNS, ints={"DATE", "SourceCollectionIdentifier"}, nullable=set(), floats=set())

# file suffixes of the GDELT 2.0 update files
SUFFIXES = {"events": "export.CSV", "mentions": "mentions.CSV", "gkg": "gkg.csv"}
TABLES = {
    "events": (EVENT_COLUMNS, EVENT_DTYPES),
    "mentions": (MENTION_COLUMNS, MENTION_DTYPES),
    "gkg": (GKG_COLUMNS, GKG_DTYPES),
}
