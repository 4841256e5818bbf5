import json

import pytest
from django.contrib.auth.models import User

from motcua.errors import ImportRejected
from motcua.network.models import Jurisdiction, RoleAssignment, Unit
from motcua.network.selectors import export_network
from motcua.network.services import import_network
from tests.factories import UNITS_CSV


def test_import_builds_the_tree_and_units(small_network):
    ward = Jurisdiction.objects.get(code="25747")
    assert [j.code for j in ward.ancestors_and_self()] == ["25747", "718", "74"]
    point = Unit.objects.get(code="001.30.00.H57")
    assert point.kind == "reception_point"
    assert point.parent.code == "000.00.30.H57"
    assert point.jurisdiction == ward


def test_import_twice_changes_nothing(small_network, network_files):
    before = export_network()
    import_network(paths=network_files)
    assert export_network() == before
    assert Unit.objects.count() == 10


def test_bad_units_file_is_rejected_with_every_line_and_nothing_written(db, network_files, tmp_path):
    bad = tmp_path / "units.csv"
    lines = UNITS_CSV.splitlines()
    lines[2] = lines[2].replace("000.00.30.H57,branch", "BAD-CODE,branch")  # line 3: bad code
    lines[4] = lines[4].replace(",reception_point,", ",kiosk,")  # line 5: bad kind
    lines[6] = lines[6].replace(",74,,,11.05", ",99999,,,11.05")  # line 7: unknown jurisdiction
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_network(paths=[network_files[0], bad])
    found = {(p.where, p.field) for p in caught.value.problems}
    assert ("units.csv line 3", "code") in found
    assert ("units.csv line 5", "kind") in found
    assert ("units.csv line 7", "jurisdiction_code") in found
    assert Jurisdiction.objects.count() == 0 and Unit.objects.count() == 0


def test_unknown_parent_reported_and_nothing_written(db, network_files, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text(UNITS_CSV.replace("000.00.30.H57,,10.98", "000.00.99.H57,,10.98"), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_network(paths=[network_files[0], bad])
    assert any(p.field == "parent_code" and "000.00.99.H57" in p.reason_en for p in caught.value.problems)
    assert Unit.objects.count() == 0


def test_json_staff_import_gives_roles_per_unit(small_network, tmp_path):
    staff = tmp_path / "staff.json"
    staff.write_text(
        json.dumps(
            {
                "staff": [
                    {
                        "username": "an",
                        "full_name": "Nguyễn Văn An",
                        "email": "an@example.org",
                        "unit_code": "001.30.00.H57",
                        "role": "counter",
                    },
                    {
                        "username": "an",
                        "full_name": "Nguyễn Văn An",
                        "email": "an@example.org",
                        "unit_code": "000.00.01.H57",
                        "role": "specialist",
                    },
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    import_network(paths=[staff])
    user = User.objects.get(username="an")
    assert not user.has_usable_password()
    assert set(RoleAssignment.objects.filter(user=user).values_list("unit__code", "role")) == {
        ("001.30.00.H57", "counter"),
        ("000.00.01.H57", "specialist"),
    }


def test_json_errors_carry_line_numbers(db, tmp_path):
    bad = tmp_path / "net.json"
    bad.write_text('{"units": [\n  {"code": "x", "kind": "center"}\n]}', encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_network(paths=[bad])
    assert all(p.where.startswith("net.json line 2") for p in caught.value.problems)
    fields = {p.field for p in caught.value.problems}
    assert {"code", "name_vi", "jurisdiction_code"} <= fields


def test_broken_json_reports_its_line(db, tmp_path):
    bad = tmp_path / "net.json"
    bad.write_text('{"units": [\n  {"code": }\n]}', encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_network(paths=[bad])
    assert caught.value.problems[0].where.startswith("net.json line 2")
