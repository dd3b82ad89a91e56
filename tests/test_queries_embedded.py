"""Every query in queries/ runs on the embedded engine and matches an answer computed in Python.

The expected rows are computed here, independently, from the canonical networkx graph
(plain loops over nodes and edges; networkx's own shortest-path search for paths). A
query added to queries/ without an expected answer here fails the test.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

import graphkit as gk
from graphkit.analysis.gaps import capability_gaps
from graphkit.cypher import EmbeddedGraph, bind_params, read_query

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.cypher"))
MULTILATERAL = ROOT / "data" / "cyber-multilateral"
SAMPLE = ROOT / "data" / "sample"


# ----------------------------------------------------------------------------- helpers


def _edges(G, t):
    return [(u, v, d) for u, v, d in G.edges(data=True) if d["type"] == t]


def _level(d):
    return d.get("level", 1.0)


def _holders(G, cap, min_level):
    """Actors holding ``cap`` at ``min_level`` or above."""
    return {u for u, v, d in _edges(G, "HAS_CAPABILITY") if v == cap and _level(d) >= min_level}


def _members(G, org):
    return {u for u, v, _ in _edges(G, "MEMBER_OF") if v == org}


def _coop_partners(G):
    """Actor -> the actors it cooperates with, in either direction."""
    partners = defaultdict(set)
    for u, v, _ in _edges(G, "COOPERATES_WITH"):
        partners[u].add(v)
        partners[v].add(u)
    return partners


def _name(G, n):
    return G.nodes[n].get("name")


def _kind(G, n):
    return G.nodes[n].get("kind")


# ----------------------------------------------------------------------------- expected answers
# Each returns (rows, order): order "exact" = the query's ORDER BY fixes the row order;
# "set" = compare as multisets. Columns holding collect()-ed lists are compared as sets.


def members_of_alliance(G, alliance):
    rows = [
        (u, _name(G, u), _kind(G, u), d.get("since")) for u, v, d in _edges(G, "MEMBER_OF") if v == alliance
    ]
    return sorted(rows, key=lambda r: (r[0], math.inf if r[3] is None else r[3])), "exact"


def brokers_between_alliances(G, first, second):
    ties = defaultdict(set)
    for u, v, d in G.edges(data=True):
        if d["type"] in ("MEMBER_OF", "COOPERATES_WITH"):
            ties[u].add(v)
            ties[v].add(u)
    side_a = {first} | _members(G, first)
    side_b = {second} | _members(G, second)
    rows = []
    for x, _ in gk.graph.nodes_of(G, "Actor"):
        if x in (first, second):
            continue
        ta, tb = len(ties[x] & side_a), len(ties[x] & side_b)
        if ta and tb:
            rows.append((x, _name(G, x), _kind(G, x), ta, tb, ta + tb))
    return sorted(rows, key=lambda r: (-r[5], r[0])), "exact"


def shortest_cooperation_path(G, **p):
    A = nx.Graph()
    A.add_edges_from((u, v) for u, v, _ in _edges(G, "COOPERATES_WITH"))
    src, dst = p["from"], p["to"]
    if src not in A or dst not in A or not nx.has_path(A, src, dst):
        return [], "set"
    paths = [path for path in nx.all_shortest_paths(A, src, dst) if len(path) - 1 <= 6]
    return [(len(path) - 1, path) for path in paths], "set"


def threats_to_alliance_members(G, alliance):
    members = _members(G, alliance)
    hit = defaultdict(set)
    for t, v, _ in _edges(G, "TARGETS"):
        if v in members:
            hit[t].add(v)
    req = defaultdict(set)
    for t, c, _ in _edges(G, "REQUIRES"):
        req[t].add(c)
    rows = [(t, _name(G, t), len(m), m, req[t]) for t, m in hit.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0])), "exact"


def partners_lacking_capability(G, capability, min_level):
    holders = _holders(G, capability, min_level)
    coop = _coop_partners(G)
    rows = []
    for a, _ in gk.graph.nodes_of(G, "Actor"):
        partners = coop[a]
        if partners and not partners & holders:
            rows.append((a, _name(G, a), _kind(G, a), len(partners)))
    return sorted(rows, key=lambda r: (-r[3], r[0])), "exact"


def _sponsored(G):
    """(threat, actor) pairs of ATTRIBUTED_TO whose basis is sponsor (absent basis = origin)."""
    return [(t, s) for t, s, d in _edges(G, "ATTRIBUTED_TO") if d.get("basis") == "sponsor"]


def states_targeted_by_state(G, state):
    threats = {t for t, v in _sponsored(G) if v == state}
    hit = defaultdict(set)
    for t, v, _ in _edges(G, "TARGETS"):
        if t in threats and _kind(G, v) == "state":
            hit[v].add(t)
    rows = [(v, _name(G, v), len(ts), {_name(G, t) for t in ts}) for v, ts in hit.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0])), "exact"


def most_targeted_actors(G, limit):
    hit = defaultdict(set)
    for t, v, _ in _edges(G, "TARGETS"):
        hit[v].add(t)
    rows = sorted(
        ((v, _name(G, v), _kind(G, v), len(ts)) for v, ts in hit.items()), key=lambda r: (-r[3], r[0])
    )
    return rows[:limit], "exact"


def capability_coverage_per_alliance(G, min_level):
    total = sum(1 for _ in gk.graph.nodes_of(G, "Capability"))
    held = defaultdict(set)
    for u, c, d in _edges(G, "HAS_CAPABILITY"):
        if _level(d) >= min_level:
            held[u].add(c)
    rows = []
    for o in {v for _, v, _ in _edges(G, "MEMBER_OF")}:
        members = _members(G, o)
        covered = set(held[o]).union(*(held[m] for m in members))
        rows.append((o, _name(G, o), _kind(G, o), len(members), len(covered), total - len(covered)))
    return sorted(rows, key=lambda r: (-r[4], -r[3], r[0])), "exact"


def capability_needs_of_actor(G, actor, min_level):
    threats = {t for t, v, _ in _edges(G, "TARGETS") if v == actor}
    need = defaultdict(set)
    for t, c, _ in _edges(G, "REQUIRES"):
        if t in threats:
            need[c].add(t)
    own = defaultdict(list)
    for u, c, d in _edges(G, "HAS_CAPABILITY"):
        if u == actor:
            own[c].append(_level(d))
    partners = _coop_partners(G)[actor]
    orgs = {v for u, v, _ in _edges(G, "MEMBER_OF") if u == actor}
    fellows = set().union(*(_members(G, o) for o in orgs)) - {actor} if orgs else set()
    # missing is not zero: A is rated on what the assessments it has rows in cover, among
    # actors of its kind (rows without an assessment are one assessment per kind)
    rated_by = {d.get("assessment") for u, _, d in _edges(G, "HAS_CAPABILITY") if u == actor}
    assessed = bool(rated_by)
    in_scope = defaultdict(bool)
    for u, c, d in _edges(G, "HAS_CAPABILITY"):
        if (
            actor in G
            and _kind(G, u) == _kind(G, actor)
            and (not assessed or d.get("assessment") in rated_by)
        ):
            in_scope[c] = True
    rows = []
    for c, ts in need.items():
        level = max(own[c]) if own[c] else None
        holders = _holders(G, c, min_level)
        is_own = level is not None and level >= min_level
        pw, fw = len(partners & holders), len(fellows & holders)
        pooled = is_own or pw > 0 or fw > 0
        known = assessed and in_scope[c]
        status = "held" if is_own else "covered" if pooled else "missing" if known else "no data"
        rows.append((c, _name(G, c), len(ts), level, is_own, pw, fw, pooled, assessed, in_scope[c], status))
    return sorted(rows, key=lambda r: (-r[2], r[0])), "exact"


def actors_with_capability(G, capability, min_level):
    rows = [
        (u, _name(G, u), _kind(G, u), _level(d))
        for u, c, d in _edges(G, "HAS_CAPABILITY")
        if c == capability and _level(d) >= min_level
    ]
    return sorted(rows, key=lambda r: (-r[3], r[0])), "exact"


def cooperation_partners(G, actor):
    rows = []
    for u, v, d in _edges(G, "COOPERATES_WITH"):
        for a, p in ((u, v), (v, u)):
            if a == actor:
                rows.append((p, _name(G, p), _kind(G, p), d.get("instrument"), d.get("since")))
    big = "\U0010ffff"
    return sorted(rows, key=lambda r: (r[0], math.inf if r[4] is None else r[4], r[3] or big)), "exact"


def alliance_overlap(G, limit):
    orgs_of = defaultdict(set)
    for m, o, _ in _edges(G, "MEMBER_OF"):
        orgs_of[m].add(o)
    shared = defaultdict(set)
    for m, orgs in orgs_of.items():
        for o1 in orgs:
            for o2 in orgs:
                if o1 < o2:
                    shared[o1, o2].add(m)
    rows = sorted(((a, b, len(ms)) for (a, b), ms in shared.items()), key=lambda r: (-r[2], r[0], r[1]))
    return rows[:limit], "exact"


def threat_sponsors(G, limit):
    by = defaultdict(set)
    for t, s in _sponsored(G):
        by[s].add(t)
    targets = defaultdict(set)
    for t, v, _ in _edges(G, "TARGETS"):
        targets[t].add(v)
    rows = [(s, _name(G, s), len(ts), len(set().union(*(targets[t] for t in ts)))) for s, ts in by.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0]))[:limit], "exact"


def states_voting_against(G, norm, stance):
    rows = [
        (u, _name(G, u), G.nodes[u].get("region"))
        for u, v, d in _edges(G, "POSITION")
        if v == norm and d.get("stance") == stance
    ]
    return sorted(rows, key=lambda r: r[0]), "exact"


def most_aligned_pairs(G, min_shared, limit):
    score = {"no": 0.0, "abstain": 0.5}
    held = defaultdict(dict)
    for u, v, d in _edges(G, "POSITION"):
        if _kind(G, u) == "state":
            held[u][v] = score.get(d.get("stance"), 1.0)
    rows = []
    states = sorted(held)
    for i, a in enumerate(states):
        for b in states[i + 1 :]:
            shared = set(held[a]) & set(held[b])
            if len(shared) >= min_shared:
                agree = sum(1 - abs(held[a][n] - held[b][n]) for n in shared)
                rows.append((a, b, len(shared), agree / len(shared)))
    rows.sort(key=lambda r: (-round(r[3], 9), -r[2], r[0], r[1]))
    return rows[:limit], "exact"


EXPECTED = {
    f.__name__: f
    for f in (
        members_of_alliance,
        brokers_between_alliances,
        shortest_cooperation_path,
        threats_to_alliance_members,
        partners_lacking_capability,
        states_targeted_by_state,
        most_targeted_actors,
        capability_coverage_per_alliance,
        capability_needs_of_actor,
        actors_with_capability,
        cooperation_partners,
        alliance_overlap,
        threat_sponsors,
        states_voting_against,
        most_aligned_pairs,
    )
}

# Extra parameter sets beyond the defaults, to exercise the queries off their defaults.
EXTRA = {
    "members_of_alliance": [{"alliance": "EU"}],
    "states_targeted_by_state": [{"state": "CHN"}],
    "brokers_between_alliances": [{"first": "NATO", "second": "SCO"}],
    "capability_needs_of_actor": [{"actor": "USA", "min_level": 0.8}],
    "partners_lacking_capability": [{"capability": "cap:attribution", "min_level": 0.75}],
    "shortest_cooperation_path": [{"from": "UKR", "to": "SGP"}, {"from": "CERT_EU", "to": "IND"}],
    "states_voting_against": [{"norm": "A/RES/73/266", "stance": "abstain"}],
    "most_aligned_pairs": [{"min_shared": 6, "limit": 5000}],
}


# ----------------------------------------------------------------------------- comparison


def _norm(value, as_set):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list | set | tuple) and as_set:
        return tuple(sorted(value))
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, set):
        return tuple(sorted(value))
    return value


def _compare(result, expected, order, list_columns_are_sets=True):
    got = [tuple(_norm(v, list_columns_are_sets) for v in r) for r in result.rows]
    want = [tuple(_norm(v, list_columns_are_sets) for v in r) for r in expected]
    if order == "exact":
        assert got == want
    else:
        assert sorted(got, key=repr) == sorted(want, key=repr)


@pytest.fixture(scope="module")
def multilateral(tmp_path_factory):
    if not (MULTILATERAL / "actors.csv").is_file():
        pytest.fail("data/cyber-multilateral is missing")
    G = gk.load(MULTILATERAL)
    db = EmbeddedGraph.from_graph(G, tmp_path_factory.mktemp("db") / "multilateral.lbdb")
    yield G, db
    db.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    G = gk.load(SAMPLE)
    db = EmbeddedGraph.from_graph(G, tmp_path_factory.mktemp("db") / "sample.lbdb")
    yield G, db
    db.close()


def test_the_library_is_complete():
    names = {f.stem for f in QUERIES}
    assert len(names) >= 10
    assert names == set(EXPECTED), "every query needs an independent expected answer here (and vice versa)"


@pytest.mark.parametrize("path", QUERIES, ids=[f.stem for f in QUERIES])
def test_query_matches_python_on_multilateral(multilateral, path):
    G, db = multilateral
    qf = read_query(path)
    for given in [{}, *EXTRA.get(qf.name, [])]:
        params = bind_params(qf, given)
        result = db.run(qf, params)
        if not given:
            assert len(result.rows) >= 1, f"{qf.name} returns no row with its default parameters"
        expected, order = EXPECTED[qf.name](G, **params)
        _compare(result, expected, order, list_columns_are_sets=qf.name != "shortest_cooperation_path")


@pytest.mark.parametrize("path", QUERIES, ids=[f.stem for f in QUERIES])
def test_query_matches_python_on_sample(sample, path):
    G, db = sample
    qf = read_query(path)
    params = bind_params(qf, {})
    expected, order = EXPECTED[qf.name](G, **params)
    _compare(
        db.run(qf, params), expected, order, list_columns_are_sets=qf.name != "shortest_cooperation_path"
    )


def test_hand_computed_answers_on_sample(sample):
    """Spot checks worked out by hand from data/sample/*.csv (not from any code)."""
    _, db = sample

    def run(name, **given):
        qf = read_query(ROOT / "queries" / f"{name}.cypher")
        return db.run(qf, bind_params(qf, given)).rows

    assert [r[0] for r in run("members_of_alliance", alliance="NATO")] == [
        "CAN",
        "DEU",
        "EST",
        "FRA",
        "GBR",
        "USA",
    ]
    assert run("shortest_cooperation_path", **{"from": "EST", "to": "GBR"}) == [(2, ["EST", "USA", "GBR"])]
    # apt28 targets DEU, FRA, USA, NATO; sandworm EST, DEU; apt41 USA, GBR -> USA 2, DEU 2, then 1s by id
    assert run("most_targeted_actors", limit=3) == [
        ("DEU", "Germany", "state", 2),
        ("USA", "United States", "state", 2),
        ("EST", "Estonia", "state", 1),
    ]
    # threats with RUS as suspected sponsor: apt28 (DEU FRA USA) and sandworm (EST DEU); NATO is
    # not a state
    rows = run("states_targeted_by_state", state="RUS")
    assert [(r[0], r[2]) for r in rows] == [("DEU", 2), ("EST", 1), ("FRA", 1), ("USA", 1)]
    # USA needs IR (2 threats: apt28, and via sandworm? no: sandworm does not target USA) ...
    needs = {r[0]: r for r in run("capability_needs_of_actor", actor="USA")}
    assert set(needs) == {
        "cap:incident_response",
        "cap:threat_intel",
        "cap:attribution",
        "cap:law_enforcement",
    }
    # GBR partner; GBR fellow member; USA has levels and states are rated on threat intel
    assert needs["cap:threat_intel"][2:] == (2, None, False, 1, 1, True, True, True, "covered")
    # missing is not zero: no state has a level for ci_protection, so DEU's need is unknown
    deu = {r[0]: r for r in run("capability_needs_of_actor", actor="DEU")}
    assert deu["cap:ci_protection"][2:] == (1, None, False, 0, 0, False, True, False, "no data")
    assert deu["cap:incident_response"][2:] == (2, 0.6, True, 0, 2, True, True, True, "held")  # USA, EST
    # above USA's 0.9 nobody covers attribution for DEU, which states are rated on: a lack
    deu = {r[0]: r for r in run("capability_needs_of_actor", actor="DEU", min_level=0.95)}
    assert deu["cap:attribution"][2:] == (1, None, False, 0, 0, False, True, True, "missing")
    # NATO has no capability row and no alliance is rated: every need is unknown
    assert {r[-1] for r in run("capability_needs_of_actor", actor="NATO")} == {"no data"}
    assert needs["cap:attribution"][3:5] == (0.9, True)


def test_capability_needs_agree_with_the_gap_model_on_what_is_known(multilateral):
    """The query's `assessed`/`capability_assessed` are the gap analysis's, actor by actor.

    The actors are those whose needs mix known and unknown capabilities (GCI-rated states
    facing threats that need a capability only a public record rates, states rated on a
    record alone) and some with no capability data: the two implementations of "missing is
    not zero" must draw the same line.
    """
    G, db = multilateral
    gaps = capability_gaps(G)
    mixed = gaps.groupby("actor_id")["capability_assessed"].nunique()
    unassessed = gaps.loc[~gaps["assessed"], "actor_id"].unique()
    actors = sorted(mixed[mixed > 1].index)[:12] + sorted(unassessed)[:4]
    assert len(actors) >= 8
    qf = read_query(ROOT / "queries" / "capability_needs_of_actor.cypher")
    for actor in actors:
        rows = db.run(qf, bind_params(qf, {"actor": actor})).rows
        got = {r[0]: (r[2], r[8], r[9]) for r in rows}
        want = {
            c: (w, bool(a), bool(ca))
            for c, w, a, ca in gaps.loc[
                gaps.actor_id == actor, ["capability_id", "weight", "assessed", "capability_assessed"]
            ].itertuples(index=False)
        }
        assert got == want, actor
