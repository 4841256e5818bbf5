"""The shipped Binh Duong demo: loads cleanly, twice without change, with the facts it promises."""

import csv
from pathlib import Path

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import export_catalog
from motcua.demo.loader import DATA_DIR, ensure_demo_accounts, load_network_and_catalog
from motcua.network.models import Jurisdiction, RoleAssignment, Unit
from motcua.network.selectors import export_network


def test_demo_loads_twice_without_change(db):
    load_network_and_catalog()
    ensure_demo_accounts()
    network, catalog = export_network(), export_catalog()
    roles = RoleAssignment.objects.count()
    second = load_network_and_catalog()
    ensure_demo_accounts()
    assert second["catalog"]["versions_written"] == 0
    assert export_network() == network and export_catalog() == catalog
    assert RoleAssignment.objects.count() == roles


def test_demo_network_is_binh_duong(db):
    load_network_and_catalog()
    assert Jurisdiction.objects.filter(level="commune").count() == 91
    assert Jurisdiction.objects.filter(level="district").count() == 9
    kinds = {kind: Unit.objects.filter(kind=kind).count() for kind in ("center", "branch", "reception_point")}
    assert kinds == {"center": 1, "branch": 9, "reception_point": 91}


def test_demo_catalog_is_broad_and_mostly_boundary_free(db):
    load_network_and_catalog()
    procedures = Procedure.objects.all()
    assert procedures.count() >= 40
    assert procedures.values("sector").distinct().count() >= 10
    assert procedures.filter(boundary_free=True).count() > procedures.count() / 2


def test_every_commune_position_says_where_it_comes_from():
    with Path(DATA_DIR / "jurisdictions.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["level"] == "commune"]
    assert len(rows) == 91
    for row in rows:
        assert row["coord_source"], row["name"]
        assert row["coord_approximate"] in ("true", "false")
        assert 10.8 < float(row["lat"]) < 11.6 and 106.2 < float(row["lon"]) < 107.0
