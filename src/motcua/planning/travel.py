"""Travel models: straight line with circuity and speeds, or shortest paths on a road graph.

Assumptions of the straight-line model (defaults, override per call):

* travel distance = great-circle (haversine) distance x circuity factor 1.3
  (roads are about 30 % longer than the straight line in a mixed urban/rural province);
* speed depends on the area type of the *demand point* (where the trip starts):
  urban 25 km/h, suburban 35 km/h, rural 45 km/h (motorbike, door to door, including
  congestion). These are planning assumptions, not measurements.

Both models produce :class:`TravelPairs` (demand index, site index, km, minutes) for
the pairs that can matter, computed sparsely: a cKDTree finds the sites within the
largest reachable radius and only those pairs are evaluated.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from .data import CandidateSites, CoverageRule, DemandPoints

EARTH_RADIUS_KM = 6371.0088
DEFAULT_SPEEDS_KMH = {"urban": 25.0, "suburban": 35.0, "rural": 45.0}
DEFAULT_CIRCUITY = 1.3


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def to_xyz(lat, lon) -> np.ndarray:
    """Points on a sphere of the Earth's radius, so chord lengths are in km."""
    lat_r, lon_r = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    cos_lat = np.cos(lat_r)
    xyz = np.column_stack([cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)])
    return xyz * EARTH_RADIUS_KM


def chord_to_arc_km(chord_km: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord_km / (2 * EARTH_RADIUS_KM), 0.0, 1.0))


def arc_to_chord_km(arc_km: float) -> float:
    return float(2 * EARTH_RADIUS_KM * np.sin(min(arc_km, np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)))


@dataclass(frozen=True)
class TravelPairs:
    """Sparse travel table: one entry per (demand, site) pair that was evaluated."""

    demand_index: np.ndarray
    site_index: np.ndarray
    km: np.ndarray
    minutes: np.ndarray

    def __len__(self) -> int:
        return int(self.demand_index.size)

    def select(self, mask: np.ndarray) -> TravelPairs:
        return TravelPairs(self.demand_index[mask], self.site_index[mask], self.km[mask], self.minutes[mask])

    def metric(self, name: str) -> np.ndarray:
        if name not in ("minutes", "km"):
            raise ValueError("metric must be 'minutes' or 'km'")
        return self.minutes if name == "minutes" else self.km


def reach_km(rule: CoverageRule, speed_kmh: float) -> float:
    """Largest travel distance that can still satisfy the rule at this speed."""
    by_time = None if rule.max_minutes is None else rule.max_minutes / 60.0 * speed_kmh
    limits = [v for v in (by_time, rule.max_km) if v is not None]
    return max(limits) if rule.combine == "or" else min(limits)


@dataclass(frozen=True)
class HaversineTravel:
    """Great-circle distance x circuity, speed by the demand point's area type."""

    circuity: float = DEFAULT_CIRCUITY
    speeds_kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))

    def describe(self) -> str:
        speeds = ", ".join(f"{k} {v:g} km/h" for k, v in self.speeds_kmh.items())
        return f"great-circle x {self.circuity:g}; {speeds}"

    def speeds_for(self, demand: DemandPoints) -> np.ndarray:
        lookup = np.vectorize(self.speeds_kmh.__getitem__, otypes=[float])
        return lookup(demand.area_type) if len(demand) else np.zeros(0)

    def pair_travel(self, demand, sites, demand_index, site_index) -> TravelPairs:
        straight = haversine_km(
            demand.lat[demand_index], demand.lon[demand_index], sites.lat[site_index], sites.lon[site_index]
        )
        return self._pairs_from_straight(demand, demand_index, site_index, straight)

    def _pairs_from_straight(self, demand, demand_index, site_index, straight_km) -> TravelPairs:
        km = straight_km * self.circuity
        minutes = km / self.speeds_for(demand)[demand_index] * 60.0
        return TravelPairs(
            np.asarray(demand_index, dtype=np.int64), np.asarray(site_index, dtype=np.int64), km, minutes
        )

    def pairs_within(self, demand: DemandPoints, sites: CandidateSites, rule: CoverageRule) -> TravelPairs:
        """All pairs that may satisfy the rule (sparse: one KD-tree query per area type)."""
        site_tree = cKDTree(to_xyz(sites.lat, sites.lon))
        speeds = self.speeds_for(demand)
        parts = []
        for speed in np.unique(speeds):
            members = np.flatnonzero(speeds == speed)
            radius = arc_to_chord_km(reach_km(rule, speed) / self.circuity) * (1 + 1e-9) + 1e-9
            group_tree = cKDTree(to_xyz(demand.lat[members], demand.lon[members]))
            found = group_tree.sparse_distance_matrix(site_tree, radius, output_type="ndarray")
            straight = chord_to_arc_km(found["v"])
            parts.append(self._pairs_from_straight(demand, members[found["i"]], found["j"], straight))
        return _concat_pairs(parts)

    def nearest(self, demand: DemandPoints, sites: CandidateSites, k: int) -> TravelPairs:
        """The k nearest sites of every demand point (same order by km and by minutes)."""
        k = min(k, len(sites))
        site_tree = cKDTree(to_xyz(sites.lat, sites.lon))
        _, index = site_tree.query(to_xyz(demand.lat, demand.lon), k=k)
        index = np.asarray(index).reshape(len(demand), k)
        demand_index = np.repeat(np.arange(len(demand)), k)
        return self.pair_travel(demand, sites, demand_index, index.ravel())

    def full(self, demand: DemandPoints, sites: CandidateSites) -> TravelPairs:
        demand_index = np.repeat(np.arange(len(demand)), len(sites))
        site_index = np.tile(np.arange(len(sites)), len(demand))
        return self.pair_travel(demand, sites, demand_index, site_index)


def _concat_pairs(parts: list[TravelPairs]) -> TravelPairs:
    if not parts:
        empty = np.zeros(0)
        return TravelPairs(empty.astype(np.int64), empty.astype(np.int64), empty, empty)
    return TravelPairs(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in TravelPairs.__dataclass_fields__)
    )


# ---------------------------------------------------------------- road graph


@dataclass(frozen=True)
class RoadGraphTravel:
    """Shortest paths on a road graph; points snap to the nearest node.

    The access leg (point to its snapped node, for demand and site) is a straight
    line x circuity at the demand point's area speed. Time-shortest and
    distance-shortest paths are computed separately (Dijkstra from the sites only).
    """

    node_lat: np.ndarray
    node_lon: np.ndarray
    minutes_graph: sp.csr_matrix
    km_graph: sp.csr_matrix
    access: HaversineTravel = field(default_factory=HaversineTravel)

    def describe(self) -> str:
        return f"road graph {self.node_lat.size} nodes, {self.km_graph.nnz} arcs"

    @classmethod
    def from_edges(
        cls, node_lat, node_lon, u, v, length_km, minutes, *, directed=False, **kw
    ) -> RoadGraphTravel:
        n = len(node_lat)
        u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
        if not directed:
            u, v = np.concatenate([u, v]), np.concatenate([v, u])
            length_km = np.concatenate([length_km, length_km])
            minutes = np.concatenate([minutes, minutes])
        km_graph = _min_csr(u, v, np.asarray(length_km, dtype=float), n)
        minutes_graph = _min_csr(u, v, np.asarray(minutes, dtype=float), n)
        return cls(np.asarray(node_lat, float), np.asarray(node_lon, float), minutes_graph, km_graph, **kw)

    @classmethod
    def from_edges_csv(cls, edges_path, nodes_path, *, directed=False, **kw) -> RoadGraphTravel:
        """edges: u,v,length_km and speed_kmh or minutes; nodes: id,lat,lon."""
        with open(nodes_path, newline="", encoding="utf-8-sig") as handle:
            nodes = list(csv.DictReader(handle))
        position = {row["id"]: i for i, row in enumerate(nodes)}
        with open(edges_path, newline="", encoding="utf-8-sig") as handle:
            edges = list(csv.DictReader(handle))
        length = np.array([float(e["length_km"]) for e in edges])
        minutes = np.array([_edge_minutes(e, km) for e, km in zip(edges, length, strict=True)])
        return cls.from_edges(
            [float(r["lat"]) for r in nodes],
            [float(r["lon"]) for r in nodes],
            [position[e["u"]] for e in edges],
            [position[e["v"]] for e in edges],
            length,
            minutes,
            directed=directed,
            **kw,
        )

    @classmethod
    def from_graphml(cls, path: str | Path, *, default_speed_kmh: float = 30.0, **kw) -> RoadGraphTravel:
        """GraphML (e.g. OSMnx export) parsed with xml.etree; see :func:`_parse_graphml`."""
        lat, lon, u, v, km, minutes, directed = _parse_graphml(path, default_speed_kmh)
        return cls.from_edges(lat, lon, u, v, km, minutes, directed=directed, **kw)

    # --- queries -------------------------------------------------------

    def _snap(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        tree = cKDTree(to_xyz(self.node_lat, self.node_lon))
        chord, node = tree.query(to_xyz(lat, lon))
        return np.asarray(node, dtype=np.int64), chord_to_arc_km(np.asarray(chord))

    def _tables(self, sites: CandidateSites, limit_minutes=np.inf, limit_km=np.inf):
        site_node, site_gap = self._snap(sites.lat, sites.lon)
        unique_nodes, site_row = np.unique(site_node, return_inverse=True)
        minutes = dijkstra(self.minutes_graph, indices=unique_nodes, limit=limit_minutes)
        km = dijkstra(self.km_graph, indices=unique_nodes, limit=limit_km)
        return site_row, site_gap, minutes, km

    def _pairs(self, demand, sites, demand_index, site_index, tables) -> TravelPairs:
        site_row, site_gap, minutes_table, km_table = tables
        demand_node, demand_gap = self._snap(demand.lat, demand.lon)
        speeds = self.access.speeds_for(demand)[demand_index]
        gap_km = (demand_gap[demand_index] + site_gap[site_index]) * self.access.circuity
        rows, cols = site_row[site_index], demand_node[demand_index]
        km = km_table[rows, cols] + gap_km
        minutes = minutes_table[rows, cols] + gap_km / speeds * 60.0
        return TravelPairs(np.asarray(demand_index), np.asarray(site_index), km, minutes)

    def pair_travel(self, demand, sites, demand_index, site_index) -> TravelPairs:
        return self._pairs(demand, sites, demand_index, site_index, self._tables(sites))

    def pairs_within(self, demand: DemandPoints, sites: CandidateSites, rule: CoverageRule) -> TravelPairs:
        limit_minutes = np.inf if rule.max_minutes is None else rule.max_minutes
        limit_km = np.inf if rule.max_km is None else rule.max_km
        tables = self._tables(sites, limit_minutes, limit_km)
        demand_node, _ = self._snap(demand.lat, demand.lon)
        site_row = tables[0]
        checks = []
        if rule.max_minutes is not None:
            checks.append(np.isfinite(tables[2][site_row][:, demand_node]))
        if rule.max_km is not None:
            checks.append(np.isfinite(tables[3][site_row][:, demand_node]))
        combine = np.logical_or if rule.combine == "or" else np.logical_and
        reachable = checks[0] if len(checks) == 1 else combine(*checks)
        site_index, demand_index = np.nonzero(reachable)
        return self._pairs(demand, sites, demand_index, site_index, tables)

    def full(self, demand: DemandPoints, sites: CandidateSites) -> TravelPairs:
        demand_index = np.repeat(np.arange(len(demand)), len(sites))
        site_index = np.tile(np.arange(len(sites)), len(demand))
        return self.pair_travel(demand, sites, demand_index, site_index)

    def nearest(self, demand: DemandPoints, sites: CandidateSites, k: int) -> TravelPairs:
        """k nearest sites by travel minutes."""
        pairs = self.full(demand, sites)
        k = min(k, len(sites))
        minutes = pairs.minutes.reshape(len(demand), len(sites))
        order = np.argsort(minutes, axis=1, kind="stable")[:, :k]
        flat = (np.arange(len(demand))[:, None] * len(sites) + order).ravel()
        return pairs.select(flat)


def _min_csr(u, v, weight, n) -> sp.csr_matrix:
    """CSR graph keeping the smallest weight of parallel arcs (explicit zeros kept)."""
    order = np.lexsort((weight, v, u))
    u, v, weight = u[order], v[order], weight[order]
    first = np.ones(u.size, dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    weight = np.maximum(weight[first], 1e-12)  # csgraph treats 0 as "no edge"
    return sp.csr_matrix((weight, (u[first], v[first])), shape=(n, n))


def _edge_minutes(edge: dict[str, str], km: float) -> float:
    if edge.get("minutes"):
        return float(edge["minutes"])
    return km / float(edge["speed_kmh"]) * 60.0


_GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _parse_graphml(path, default_speed_kmh: float):
    """Nodes need lat/lon (or OSMnx y/x); edges length_km, or length in metres (OSMnx).

    Edge time: minutes, or travel_time in seconds (OSMnx), or length at speed_kmh /
    speed_kph, else ``default_speed_kmh``.
    """
    root = ET.parse(path).getroot()
    # A missing attribute reads as "" (it only has to stay distinct from the attribute names looked up).
    keys = {k.get("id", ""): k.get("attr.name", "") for k in root.iter(f"{_GRAPHML}key")}
    graph = root.find(f"{_GRAPHML}graph")
    if graph is None:
        raise ValueError(f"{path}: no <graph> element in the GraphML file")
    directed = graph.get("edgedefault") == "directed"

    def attributes(element: ET.Element) -> dict[str, str]:
        values: dict[str, str] = {}
        for d in element.findall(f"{_GRAPHML}data"):
            key = d.get("key", "")
            values[keys.get(key, key)] = d.text or ""
        return values

    position: dict[str, int] = {}
    lat: list[float] = []
    lon: list[float] = []
    for node in graph.iter(f"{_GRAPHML}node"):
        data = attributes(node)
        position[node.get("id", "")] = len(lat)
        lat.append(float(data["lat"] if "lat" in data else data["y"]))
        lon.append(float(data["lon"] if "lon" in data else data["x"]))
    u: list[int] = []
    v: list[int] = []
    km: list[float] = []
    minutes: list[float] = []
    for edge in graph.iter(f"{_GRAPHML}edge"):
        data = attributes(edge)
        length = float(data["length_km"]) if "length_km" in data else float(data["length"]) / 1000.0
        u.append(position[edge.get("source", "")])
        v.append(position[edge.get("target", "")])
        km.append(length)
        minutes.append(_graphml_minutes(data, length, default_speed_kmh))
    return lat, lon, u, v, np.array(km), np.array(minutes), directed


def _graphml_minutes(data: dict[str, str], km: float, default_speed_kmh: float) -> float:
    if "minutes" in data:
        return float(data["minutes"])
    if "travel_time" in data:
        return float(data["travel_time"]) / 60.0
    speed = data.get("speed_kmh") or data.get("speed_kph")
    return km / (float(speed) if speed else default_speed_kmh) * 60.0


def coverage_matrix(pairs: TravelPairs, rule: CoverageRule, n_demand: int, n_sites: int) -> sp.csr_matrix:
    """Boolean demand x site matrix (stored as float 1.0) of the pairs the rule covers."""
    covered = pairs.select(rule.covers(pairs.km, pairs.minutes))
    ones = np.ones(len(covered))
    matrix = sp.csr_matrix((ones, (covered.demand_index, covered.site_index)), shape=(n_demand, n_sites))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix
