"""CausalMap: building, naming (id or label, any language, any case), editing, and plain data."""

from __future__ import annotations

import pytest

from gmb.analysis.loops import loop_id
from gmb.errors import MapEditError, UnknownVariableError
from gmb.maps.causalmap import CausalMap


@pytest.fixture
def cmap() -> CausalMap:
    m = CausalMap.new("Trivsel")
    m.add_theme("screens", {"da": "Skærme", "en": "Screens"}, color="#5b8def")
    m.add_variable("screen_time", {"da": "Skærmtid", "en": "Screen time"}, theme="screens")
    m.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, synonyms=["nattesøvn"])
    m.add_variable("wellbeing", "Trivsel")
    m.add_link("screen_time", "sleep", "-", strength="medium", delay=True)
    m.add_link("sleep", "wellbeing", "+")
    m.set_outcome(["wellbeing"])
    m.meta["layout"] = {"screen_time": [1, 2], "sleep": [3, 4]}
    return m


def test_new_map_has_the_file_keys_and_first_language_default():
    m = CausalMap.new("T", ["en", "da"])
    assert m.to_data() == {"gmb": 1, "title": "T", "languages": ["en", "da"], "outcome": [], "themes": {},
                           "variables": {}, "links": []}
    m.add_variable("a", "Text")
    assert m.graph.nodes["a"] == {"label": {"en": "Text"}}


def test_graph_attributes_are_the_file_keys(cmap):
    assert cmap.graph.nodes["screen_time"] == {"label": {"da": "Skærmtid", "en": "Screen time"}, "theme": "screens"}
    assert cmap.graph.edges["screen_time", "sleep"] == {"polarity": "-", "strength": "medium", "delay": True}
    assert list(cmap.links()) == [("screen_time", "sleep", {"polarity": "-", "strength": "medium", "delay": True}),
                                  ("sleep", "wellbeing", {"polarity": "+"})]


def test_labels_fall_back_through_the_map_languages(cmap):
    assert cmap.label("sleep") == "Søvn" and cmap.label("sleep", "en") == "Sleep"
    assert cmap.label("wellbeing", "en") == "Trivsel"      # only Danish: falls back
    cmap.add_variable("bare")
    assert cmap.label("bare", "en") == "bare"              # no label: the id
    assert cmap.theme_label("screens", "en") == "Screens" and cmap.theme_label("unknown") == "unknown"
    cmap.meta["themes"]["plain"] = "Bare tekst"            # a hand-written theme without a mapping
    assert cmap.theme_label("plain") == "Bare tekst"


@pytest.mark.parametrize("name, var", [("sleep", "sleep"), ("Søvn", "sleep"), ("SØVN", "sleep"), (" sleep ", "sleep"),
                                       ("screen TIME", "screen_time"), ("NATTESØVN", "sleep"), ("trivsel", "wellbeing")])
def test_resolve_by_id_label_or_synonym_ignoring_case(cmap, name, var):
    assert cmap.resolve(name) == var


def test_resolve_miss_suggests_close_names(cmap):
    with pytest.raises(UnknownVariableError) as miss:
        cmap.resolve("Skærmtd")
    assert str(miss.value) == "unknown variable 'Skærmtd'; did you mean 'screen_time'?"
    with pytest.raises(UnknownVariableError) as far:
        cmap.resolve("xyz")
    assert str(far.value) == "unknown variable 'xyz'"
    assert isinstance(far.value, KeyError)


def test_resolve_an_ambiguous_label_names_every_match(cmap):
    cmap.add_variable("rest", {"da": "Hvile", "en": "Sleep"})
    with pytest.raises(UnknownVariableError, match="did you mean 'sleep' or 'rest'"):
        cmap.resolve("sleep ")
    assert cmap.resolve("sleep") == "sleep"    # an exact id always wins


def test_add_variable_refuses_a_clashing_or_blank_id(cmap):
    with pytest.raises(MapEditError, match="variable 'sleep' exists already"):
        cmap.add_variable("SLEEP", "x")
    for bad in ("", " a", "a\nb", "a\tb"):
        with pytest.raises(MapEditError, match="invalid id"):
            cmap.add_variable(bad, "x")


def test_rename_moves_links_outcome_and_layout_and_keeps_order(cmap):
    assert cmap.rename_variable("Søvn", "night_sleep") == "sleep"
    assert cmap.variables == ["screen_time", "night_sleep", "wellbeing"]
    assert [(u, v) for u, v, _ in cmap.links()] == [("screen_time", "night_sleep"), ("night_sleep", "wellbeing")]
    assert cmap.graph.edges["screen_time", "night_sleep"]["strength"] == "medium"
    assert cmap.layout == {"screen_time": [1, 2], "night_sleep": [3, 4]}
    cmap.rename_variable("wellbeing", "trivsel")
    assert cmap.outcome == ["trivsel"]
    with pytest.raises(MapEditError, match="merge with 'gmb var merge'"):
        cmap.rename_variable("trivsel", "screen_time")


def test_remove_refuses_with_links_unless_forced(cmap):
    with pytest.raises(MapEditError, match=r"still has 2 link\(s\) \(screen_time → sleep, sleep → wellbeing\)"):
        cmap.remove_variable("sleep")
    assert cmap.remove_variable("sleep", force=True) == [("screen_time", "sleep"), ("sleep", "wellbeing")]
    assert "sleep" not in cmap.graph and list(cmap.links()) == [] and cmap.layout == {"screen_time": [1, 2]}
    cmap.remove_variable("wellbeing")
    assert cmap.outcome == []


def test_merge_repoints_links_keeps_labels_as_synonyms_and_reports_conflicts(cmap):
    cmap.add_variable("skaerm", {"da": "Skærm tid", "en": "Screen time"})
    cmap.add_link("skaerm", "sleep", "+")           # conflicts with screen_time → sleep (-)
    cmap.add_link("skaerm", "screen_time", "+")     # would become a self-link
    cmap.add_link("wellbeing", "skaerm", "-")       # moves to wellbeing → screen_time
    cmap.meta["outcome"] = ["skaerm"]
    notes = cmap.merge_variables("screen_time", "Skærm tid")
    assert notes == ["link screen_time → sleep: polarities - and + disagree; set to ? for the group to decide",
                     "dropped link skaerm → screen_time: it would link 'screen_time' to itself"]
    assert "skaerm" not in cmap.graph
    assert cmap.graph.edges["screen_time", "sleep"] == {"polarity": "?", "strength": "medium", "delay": True}
    assert cmap.graph.edges["wellbeing", "screen_time"] == {"polarity": "-"}
    # "Screen time" is already a label of screen_time: only the new names become synonyms
    assert cmap.graph.nodes["screen_time"]["synonyms"] == ["skaerm", "Skærm tid"]
    assert cmap.outcome == ["screen_time"]
    with pytest.raises(MapEditError, match="cannot merge 'sleep' with itself"):
        cmap.merge_variables("sleep", "nattesøvn")


def test_set_variable_dotted_keys_and_deletion(cmap):
    cmap.set_variable("Trivsel", {"label.en": "Wellbeing", "source.workshop": "w1", "adjust_time": 6})
    assert cmap.graph.nodes["wellbeing"] == {"label": {"da": "Trivsel", "en": "Wellbeing"},
                                             "source": {"workshop": "w1"}, "adjust_time": 6}
    cmap.set_variable("wellbeing", {"adjust_time": None, "source.workshop": None, "units": None})  # units: not there
    assert cmap.graph.nodes["wellbeing"] == {"label": {"da": "Trivsel", "en": "Wellbeing"}, "source": {}}
    cmap.graph.nodes["sleep"]["label"] = "Søvn"     # hand-written plain label becomes {first language: text}
    cmap.set_variable("sleep", {"label.en": "Sleep"})
    assert cmap.graph.nodes["sleep"]["label"] == {"da": "Søvn", "en": "Sleep"}
    with pytest.raises(MapEditError, match="'en' is not a mapping"):
        cmap.set_variable("sleep", {"label.en.x": 1})


def test_add_link_refuses_self_links_and_repeats(cmap):
    with pytest.raises(MapEditError, match="a link from 'sleep' to itself is not allowed"):
        cmap.add_link("Søvn", "SLEEP", "+")
    with pytest.raises(MapEditError, match="link sleep → wellbeing exists already"):
        cmap.add_link("sleep", "Trivsel", "-")
    assert cmap.add_link("wellbeing", "sleep", "?", strength=None, delay=None) == ("wellbeing", "sleep")
    assert cmap.graph.edges["wellbeing", "sleep"] == {"polarity": "?"}


def test_set_remove_and_flip_links(cmap):
    cmap.set_link("skærmtid", "sleep", {"source.quote": "Vi sover for lidt", "delay": None})
    assert cmap.link("screen_time", "sleep") == {"polarity": "-", "strength": "medium",
                                                 "source": {"quote": "Vi sover for lidt"}}
    with pytest.raises(MapEditError, match="a link's ends cannot be set"):
        cmap.set_link("screen_time", "sleep", {"from": "wellbeing"})
    assert cmap.flip_link("screen_time", "sleep") == "+"
    assert cmap.flip_link("screen_time", "sleep") == "-"
    cmap.set_link("sleep", "wellbeing", {"polarity": "?"})
    with pytest.raises(MapEditError, match="has polarity '\\?'"):
        cmap.flip_link("sleep", "wellbeing")
    cmap.graph.edges["sleep", "wellbeing"]["polarity"] = ["+"]     # hand-written nonsense: an error, not a crash
    with pytest.raises(MapEditError, match=r"has polarity \['\+'\]"):
        cmap.flip_link("sleep", "wellbeing")
    with pytest.raises(MapEditError, match=r"no link wellbeing → sleep \(the link goes the other way\)"):
        cmap.remove_link("wellbeing", "sleep")
    assert cmap.remove_link("sleep", "wellbeing") == ("sleep", "wellbeing")
    assert [(u, v) for u, v, _ in cmap.links()] == [("screen_time", "sleep")]


def test_themes_and_outcome(cmap):
    cmap.add_theme("community", "Fællesskab")
    assert cmap.themes["community"] == {"label": {"da": "Fællesskab"}}
    with pytest.raises(MapEditError, match="theme 'community' exists already"):
        cmap.add_theme("community", "x")
    assert cmap.set_outcome(["Trivsel", "wellbeing", "søvn"]) == ["wellbeing", "sleep"]


def test_plain_data_round_trip_keeps_order_and_broken_links():
    data = {"title": "x", "custom": {"kept": True},
            "variables": {"b": {"label": "B"}, "a": {}},
            "links": [{"from": "b", "to": "a", "polarity": "+"}, {"from": "a", "to": "ghost", "polarity": "-"},
                      {"from": "b", "to": "a", "polarity": "-"}, {"to": "a"}]}
    cmap = CausalMap.from_data(data)
    assert cmap.to_data() == data and list(cmap.to_data()) == ["title", "custom", "variables", "links"]
    assert [(u, v) for u, v, _ in cmap.links()] == [("b", "a")]
    assert len(cmap.invalid_links) == 3
    cmap.meta["outcome"] = ["a"]    # keys a loaded file lacks are written after its own
    assert list(cmap.to_data()) == ["title", "custom", "variables", "links", "outcome"]


def test_to_data_and_copy_are_independent_of_the_map(cmap):
    data = cmap.to_data()
    data["variables"]["sleep"]["label"]["da"] = "changed"
    data["links"][0]["polarity"] = "+"
    other = cmap.copy()
    other.set_variable("sleep", {"label.da": "also changed"})
    assert cmap.label("sleep") == "Søvn" and cmap.graph.edges["screen_time", "sleep"]["polarity"] == "-"
    assert other.to_data()["links"] == cmap.to_data()["links"]


def test_invalid_links_keep_their_place_when_the_map_is_edited():
    data = {"gmb": 1, "title": "T", "variables": {"a": {}, "b": {}, "c": {}}, "links": [
        {"from": "a", "to": "b", "polarity": "+"}, {"from": "a", "to": "ghost", "polarity": "-"},
        {"from": "a", "to": "b", "polarity": "-"}, {"from": "b", "to": "c", "polarity": "x"}]}
    cmap = CausalMap.from_data(data)
    cmap.add_variable("d", "D")
    cmap.add_link("c", "d", "+")
    cmap.rename_variable("a", "aa")
    assert [(x["from"], x["to"], x["polarity"]) for x in cmap.to_data()["links"]] == [
        ("aa", "b", "+"), ("aa", "ghost", "-"), ("aa", "b", "-"), ("b", "c", "x"), ("c", "d", "+")]
    cmap.remove_link("aa", "b")
    assert [(x["from"], x["to"]) for x in cmap.to_data()["links"]] == [
        ("aa", "ghost"), ("aa", "b"), ("b", "c"), ("c", "d")]


def test_rename_refuses_an_id_that_differs_from_another_only_in_case(cmap):
    with pytest.raises(MapEditError, match="variable 'sleep' exists already"):
        cmap.rename_variable("wellbeing", "SLEEP")
    assert cmap.rename_variable("sleep", "Sleep") == "sleep" and "Sleep" in cmap.graph


def test_rename_and_merge_carry_the_names_of_loops_over_to_the_new_loop_ids(cmap):
    cmap.add_link("wellbeing", "screen_time", "-")
    cmap.add_variable("rest", "Hvile")
    cmap.add_link("sleep", "rest", "+")
    cmap.add_link("rest", "sleep", "+")
    story = {"name": {"da": "Skærme og søvn"}, "story": {"da": "Mere skærm, mindre søvn."}}
    untouched = {"name": {"da": "Hvile"}}
    cmap.meta["loops"] = {loop_id(["screen_time", "sleep", "wellbeing"]): story,
                          "R-handwritten": {"name": {"da": "Fri tekst"}}}
    cmap.rename_variable("screen_time", "skaermtid")
    assert cmap.loops == {loop_id(["skaermtid", "sleep", "wellbeing"]): story,
                          "R-handwritten": {"name": {"da": "Fri tekst"}}}
    cmap.meta["loops"][loop_id(["sleep", "rest"])] = untouched
    cmap.add_variable("trivsel", "Trivsel 2")
    cmap.merge_variables("trivsel", "wellbeing")      # the loop now runs through trivsel
    assert list(cmap.loops) == [loop_id(["skaermtid", "sleep", "trivsel"]), "R-handwritten",
                                loop_id(["sleep", "rest"])]
    cmap.merge_variables("sleep", "rest")             # this loop is gone: its entry stays for a person to decide
    assert cmap.loops[loop_id(["sleep", "rest"])] == untouched
