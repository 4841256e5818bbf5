"""Travel models: haversine sanity, sparse coverage equals dense, road graph shortest paths."""

import numpy as np

from motcua.planning.data import CandidateSites, CoverageRule, DemandPoints
from motcua.planning.travel import HaversineTravel, RoadGraphTravel, coverage_matrix, haversine_km


def test_haversine_one_degree_latitude_is_111_km():
    assert abs(haversine_km(10.0, 106.0, 11.0, 106.0) - 111.19) < 0.1
    assert haversine_km(10.0, 106.0, 10.0, 106.0) == 0.0


def test_travel_time_uses_circuity_and_area_speed():
    demand = DemandPoints.from_arrays([10.0, 10.0], [106.0, 106.0], area_type=["urban", "rural"])
    sites = CandidateSites.from_arrays([10.1], [106.0])
    pairs = HaversineTravel().pair_travel(demand, sites, np.array([0, 1]), np.array([0, 0]))
    straight = haversine_km(10.0, 106.0, 10.1, 106.0)
    assert np.allclose(pairs.km, straight * 1.3)
    assert np.allclose(pairs.minutes, [straight * 1.3 / 25 * 60, straight * 1.3 / 45 * 60])


def random_points(rng, n, kind):
    lat = 11.0 + rng.random(n) * 0.4
    lon = 106.5 + rng.random(n) * 0.4
    if kind == "demand":
        areas = rng.choice(["urban", "suburban", "rural"], n)
        return DemandPoints.from_arrays(lat, lon, rng.random(n), area_type=areas)
    return CandidateSites.from_arrays(lat, lon)


def test_sparse_coverage_equals_dense_check():
    rng = np.random.default_rng(5)
    demand, sites = random_points(rng, 300, "demand"), random_points(rng, 40, "sites")
    travel = HaversineTravel()
    for rule in (
        CoverageRule(10, 3),
        CoverageRule(10, 3, "and"),
        CoverageRule(None, 4),
        CoverageRule(12, None),
    ):
        sparse = coverage_matrix(travel.pairs_within(demand, sites, rule), rule, 300, 40).toarray() > 0
        full = travel.full(demand, sites)
        dense = rule.covers(full.km, full.minutes).reshape(300, 40)
        assert (sparse == dense).all()


def test_nearest_is_nearest():
    rng = np.random.default_rng(6)
    demand, sites = random_points(rng, 50, "demand"), random_points(rng, 20, "sites")
    travel = HaversineTravel()
    nearest = travel.nearest(demand, sites, 1)
    full = travel.full(demand, sites).minutes.reshape(50, 20)
    assert np.allclose(np.sort(nearest.minutes), np.sort(full.min(axis=1)))


def tiny_graph():
    # 0 -- 1 -- 2 in a line (1 km each at 30 km/h = 2 min), plus a slow direct 0 -- 2 road.
    lat = [11.0, 11.009, 11.018]
    lon = [106.6, 106.6, 106.6]
    return RoadGraphTravel.from_edges(
        lat, lon, [0, 1, 0], [1, 2, 2], np.array([1.0, 1.0, 1.5]), np.array([2.0, 2.0, 9.0])
    )


def test_road_graph_shortest_paths():
    graph = tiny_graph()
    demand = DemandPoints.from_arrays([11.0], [106.6])
    sites = CandidateSites.from_arrays([11.018], [106.6])
    pairs = graph.pair_travel(demand, sites, np.array([0]), np.array([0]))
    assert abs(pairs.minutes[0] - 4.0) < 1e-6  # time-shortest: via node 1
    assert abs(pairs.km[0] - 1.5) < 1e-6  # distance-shortest: direct road
    rule = CoverageRule(3.0, 1.0)
    assert len(graph.pairs_within(demand, sites, rule)) == 0
    assert len(graph.pairs_within(demand, sites, CoverageRule(5.0, None))) == 1


def test_road_graph_from_csv_and_graphml(tmp_path):
    (tmp_path / "nodes.csv").write_text("id,lat,lon\na,11.0,106.6\nb,11.009,106.6\n")
    (tmp_path / "edges.csv").write_text("u,v,length_km,speed_kmh\na,b,1.0,30\na,b,2.0,60\n")
    graph = RoadGraphTravel.from_edges_csv(tmp_path / "edges.csv", tmp_path / "nodes.csv")
    demand = DemandPoints.from_arrays([11.0], [106.6])
    sites = CandidateSites.from_arrays([11.009], [106.6])
    assert abs(graph.pair_travel(demand, sites, np.array([0]), np.array([0])).minutes[0] - 2.0) < 1e-6
    graphml = """<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="d0" for="node" attr.name="y"/><key id="d1" for="node" attr.name="x"/>
<key id="d2" for="edge" attr.name="length"/><key id="d3" for="edge" attr.name="travel_time"/>
<graph edgedefault="undirected">
<node id="1"><data key="d0">11.0</data><data key="d1">106.6</data></node>
<node id="2"><data key="d0">11.009</data><data key="d1">106.6</data></node>
<edge source="1" target="2"><data key="d2">1000</data><data key="d3">90</data></edge>
</graph></graphml>"""
    (tmp_path / "g.graphml").write_text(graphml)
    graph = RoadGraphTravel.from_graphml(tmp_path / "g.graphml")
    pairs = graph.pair_travel(demand, sites, np.array([0]), np.array([0]))
    assert abs(pairs.minutes[0] - 1.5) < 1e-6 and abs(pairs.km[0] - 1.0) < 1e-6
