"""The PETRARCH2/Phoenix dictionaries parse into typed tables with the documented semantics."""

from __future__ import annotations

from datetime import date

from newsgraph.lexicons import petrarch as P


def test_verb_blocks_patterns_and_codes() -> None:
    verbs = P.load_verbs()
    (meet,) = verbs.blocks_for("met")  # an irregular form finds its block
    assert meet.code == "040"
    talks = [p for p in meet.patterns if p.after and p.after[0].prep == "FOR" and "TALKS" in (p.after[0].head or ())]
    assert talks and talks[0].code == "036" and talks[0].reverse == "036"
    assert any(p.code is None and p.reverse == "112" for p in meet.patterns)  # "faces charges": [:112]
    assert P.parse_code("---") == (None, None) and P.parse_code("080!") == ("080", None)


def test_synsets_expand_in_patterns() -> None:
    verbs = P.load_verbs()
    assert "CASH" in verbs.synsets["&CURRENCY"] and "MONEY" in verbs.synsets["&CURRENCY"]
    lay = next(b for b in verbs.blocks if b.name == "LAY")
    down = next(p for p in lay.patterns if p.code == "0871")  # "- * DOWN &WEAPON [0871]"
    assert any("WEAPONS" in w for ph in down.after for w in ph.words)


def test_multiword_verbs() -> None:
    assert P._multiword("+CORDON_OFF") == ("CORDON", (), ("OFF",))
    assert P._multiword("WIRE_+TAP") == ("TAP", ("WIRE",), ())
    verbs = P.load_verbs()
    meet = verbs.blocks_for("meet")[0]
    assert any(v.verb == "MEET" and v.after == ("WITH",) for v in meet.verbs)


def test_actors_have_dated_codes() -> None:
    index = P.actor_index()
    (putin,) = index["vladimir putin"]
    assert putin.kind == "country" and "PRESIDENT PUTIN" in putin.names
    assert putin.code_on(date(2016, 9, 5)) == "RUSGOV"
    assert putin.code_on(date(1995, 1, 1)) == "RUSELI"  # before office: the default
    assert putin.code_on(None) == "RUSGOV"
    assert index["kabul"][0].code_on(None) == "AFG"
    assert index["taliban"][0].kind == "nonstate"
    assert index["united nations"][0].code_on(None) == "IGOUNO"
    assert P.parse_restriction("RUSGOV >080508") == P.DatedCode("RUSGOV", date(2008, 5, 8), None)
    assert P.parse_restriction("USAELI 18970101-450703") == P.DatedCode("USAELI", date(1897, 1, 1), date(1945, 7, 3))


def test_agents_and_substitutions() -> None:
    agents = P.load_agents()
    assert agents["police"].code == "COP"
    assert agents["ministers"].code == "GOV"
    assert agents["troops"].code == "MIL"
    assert agents["congressmen"].code.startswith("LEG")  # CONGRESS!PERSON!
    lines = ["!PERSON! = MAN, WOMAN", "CONGRESS!PERSON! [~LEG]", "HUMAN_RIGHTS_BODY  [NGO~]", "POLICE {} [~COP]"]
    parsed = P.parse_agents(lines)
    assert set(parsed) == {"congressman", "congresswoman", "human rights body", "human rights bodies", "police"}
    assert parsed["human rights body"].prefix and not parsed["police"].prefix


def test_discards() -> None:
    assert P.discarded("He scored twice in the World Cup final.") is not None
    assert P.discarded("Putin met Obama in Hangzhou.") is None
    story = [d for d in P.load_discards() if d.story]
    assert story and P.discarded(f"x {story[0].phrase.title()} y", story=True)


def test_issues_expand() -> None:
    issues = P.load_issues()
    phrases = {e.phrase for e in issues.entries}
    assert {"kindergarten", "kindergartens", "pre-school"} <= phrases
    assert issues.ignore


def test_cache_round_trip(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    P.dictionaries.cache_clear()
    try:
        first = P.dictionaries()
        assert list(tmp_path.glob("newsgraph/petrarch2-*.pickle"))
        P.dictionaries.cache_clear()
        assert P.dictionaries() == first
    finally:
        P.dictionaries.cache_clear()
