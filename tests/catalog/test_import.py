import copy

import pytest

from motcua.catalog.exchange import TABLES, nested_to_tables, tables_as_csv_zip
from motcua.catalog.models import Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.selectors import export_catalog, version_in_force
from motcua.catalog.services import import_catalog
from motcua.errors import ImportRejected
from motcua.tabular import write_xlsx
from tests.factories import CATALOG, write_catalog


def test_import_and_export_round_trip(small_network, tmp_path):
    counts = import_catalog(path=write_catalog(tmp_path, CATALOG))
    assert counts["procedures"] == 2 and counts["versions_written"] == 2
    exported = export_catalog()
    again = import_catalog(path=write_catalog(tmp_path, exported, "exported.json"))
    assert again["versions_written"] == 0 and again["versions_unchanged"] == 2
    assert export_catalog() == exported
    assert [s.order for s in ProcessStep.objects.filter(version__procedure__code="1.001193")] == [1, 2, 3, 4]


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_tables_round_trip(small_network, tmp_path, fmt):
    import_catalog(path=write_catalog(tmp_path, CATALOG))
    exported = export_catalog()
    tables = nested_to_tables(exported)
    path = tmp_path / f"catalog.{fmt}"
    if fmt == "xlsx":
        write_xlsx(path, {name: (columns, tables[name]) for name, columns in TABLES.items()})
    else:
        path.write_bytes(tables_as_csv_zip(tables))
    Procedure.objects.all().delete()
    import_catalog(path=path)
    assert export_catalog() == exported


def test_bad_catalog_lists_every_problem_with_lines_and_writes_nothing(small_network, tmp_path):
    bad = copy.deepcopy(CATALOG)
    version = bad["procedures"][0]["versions"][0]
    version["steps"][1]["days"] = "2"  # shares no longer sum to the limit
    version["steps"][3]["role"] = "janitor"
    bad["procedures"][1]["competent"] = {"level": "province", "agency": "999.99.99.H57"}
    bad["procedures"][1]["sector"] = "NOPE"
    path = write_catalog(tmp_path, bad)
    with pytest.raises(ImportRejected) as caught:
        import_catalog(path=path)
    problems = caught.value.problems
    by_field = {p.field: p for p in problems}
    assert {"steps", "role", "competent.agency", "sector"} <= set(by_field)
    assert "add up to 2.5, not the time limit 1" in by_field["steps"].reason_en
    assert all(" line " in p.where for p in problems)
    lines = path.read_text().splitlines()
    role_index = next(i for i, line in enumerate(lines) if '"janitor"' in line)
    step_start = (
        max(i for i in range(role_index) if lines[i].strip() == "{") + 1
    )  # 1-based line of its object
    assert by_field["role"].where.startswith(f"catalog.json line {step_start} ")
    assert Procedure.objects.count() == 0


def test_bad_spreadsheet_rows_name_sheet_and_row(small_network, tmp_path):
    import_catalog(path=write_catalog(tmp_path, CATALOG))
    tables = nested_to_tables(export_catalog())
    tables["components"][0]["form"] = "photo"
    tables["steps"][2]["days"] = "abc"
    path = tmp_path / "bad.xlsx"
    write_xlsx(path, {name: (columns, tables[name]) for name, columns in TABLES.items()})
    with pytest.raises(ImportRejected) as caught:
        import_catalog(path=path)
    places = {(p.field, p.where.split(" (")[0]) for p in caught.value.problems}
    assert ("form", "bad.xlsx sheet components row 2") in places
    assert ("days", "bad.xlsx sheet steps row 4") in places


def test_new_version_leaves_the_old_one_and_picks_by_date(small_network, tmp_path):
    import_catalog(path=write_catalog(tmp_path, CATALOG))
    newer = copy.deepcopy(CATALOG)
    v2 = copy.deepcopy(newer["procedures"][0]["versions"][0])
    v2.update(version=2, effective_from="2026-07-01", time_limit={"amount": "2", "unit": "working_days"})
    v2["steps"][1]["days"] = "1.5"
    newer["procedures"][0]["versions"].append(v2)
    import_catalog(path=write_catalog(tmp_path, newer, "newer.json"))
    procedure = Procedure.objects.get(code="1.001193")
    from datetime import date

    assert version_in_force(procedure, date(2026, 6, 30)).version == 1
    assert version_in_force(procedure, date(2026, 7, 1)).version == 2
    assert ProcedureVersion.objects.get(procedure=procedure, version=1).limit_amount == 1


def test_on_the_spot_and_calendar_day_limits_are_accepted(small_network, tmp_path):
    catalog = copy.deepcopy(CATALOG)
    version = catalog["procedures"][0]["versions"][0]
    version["time_limit"] = {"amount": "0", "unit": "calendar_days"}
    for step in version["steps"]:
        step["days"] = "0"
    import_catalog(path=write_catalog(tmp_path, catalog))
    assert ProcedureVersion.objects.get(procedure__code="1.001193").limit_amount == 0


def test_a_version_needs_a_processing_step_and_ends_with_the_return_step(small_network, tmp_path):
    bad = copy.deepcopy(CATALOG)
    no_return = bad["procedures"][0]["versions"][0]
    no_return["steps"][3]["performer"] = "competent"  # the last step no longer returns the result
    only_return = bad["procedures"][1]["versions"][0]
    only_return["steps"] = [dict(only_return["steps"][3], days="0")]
    only_return["time_limit"] = {"amount": "0", "unit": "working_days"}
    path = write_catalog(tmp_path, bad)
    with pytest.raises(ImportRejected) as caught:
        import_catalog(path=path)
    problems = [p for p in caught.value.problems if p.field == "steps"]
    reasons = [p.reason_en for p in problems]
    assert "the last step (step 4) must be the return step (performer 'return')" in reasons
    assert "needs at least one processing step (other than the return step)" in reasons
    lines = path.read_text().splitlines()
    # each names the (1-based) line of its version's object: the "{" right above '"version": 1'
    version_lines = [i for i, line in enumerate(lines) if line.strip() == '"version": 1,']
    where = {p.reason_en: p.where for p in problems}
    assert where[reasons[0]].startswith(f"catalog.json line {version_lines[0]} ")
    assert where[reasons[1]].startswith(f"catalog.json line {version_lines[1]} ")
    assert Procedure.objects.count() == 0
