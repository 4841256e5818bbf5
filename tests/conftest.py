from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

JURISDICTIONS_CSV = """code,parent_code,level,unit_type,name,population,population_year,area_km2,lat,lon,coord_approximate,coord_source
74,,province,province,Bình Dương,2720000,2024,2694.64,11.05,106.66,true,test
718,74,district,city,Thủ Dầu Một,331652,2024,119,10.98,106.65,true,test
721,74,district,district,Dầu Tiếng,115985,2024,720,11.27,106.37,true,test
25747,718,commune,ward,Phú Cường,25000,2019,3.1,10.98,106.65,true,test
25966,721,commune,township,Dầu Tiếng,20000,2019,10.0,11.28,106.36,true,test
"""

UNITS_CSV = """code,kind,name_vi,name_en,jurisdiction_code,parent_code,address,lat,lon,coord_approximate,counters,opening_hours
000.00.00.H57,center,Trung tâm Phục vụ hành chính công,Public Administration Service Center,74,,,11.05,106.66,true,20,
000.00.30.H57,branch,Chi nhánh Thủ Dầu Một,Thu Dau Mot branch,718,000.00.00.H57,,10.98,106.65,true,6,
000.00.31.H57,branch,Chi nhánh Dầu Tiếng,Dau Tieng branch,721,000.00.00.H57,,11.27,106.37,true,4,
001.30.00.H57,reception_point,Điểm tiếp nhận phường Phú Cường,Phu Cuong reception point,25747,000.00.30.H57,,10.98,106.65,true,2,
002.31.00.H57,reception_point,Điểm tiếp nhận thị trấn Dầu Tiếng,Dau Tieng reception point,25966,000.00.31.H57,,11.28,106.36,true,2,
000.00.01.H57,department,Sở Tư pháp,Department of Justice,74,,,11.05,106.66,true,0,
000.01.00.H57,district_pc,UBND thành phố Thủ Dầu Một,Thu Dau Mot People's Committee,718,,,10.98,106.65,true,0,
000.02.00.H57,district_pc,UBND huyện Dầu Tiếng,Dau Tieng People's Committee,721,,,11.27,106.37,true,0,
001.01.00.H57,commune_pc,UBND phường Phú Cường,Phu Cuong Ward People's Committee,25747,000.01.00.H57,,10.98,106.65,true,0,
002.02.00.H57,commune_pc,UBND thị trấn Dầu Tiếng,Dau Tieng Township People's Committee,25966,000.02.00.H57,,11.28,106.36,true,0,
"""


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def network_files(tmp_path: Path) -> list[Path]:
    jurisdictions = tmp_path / "jurisdictions.csv"
    units = tmp_path / "units.csv"
    jurisdictions.write_text(JURISDICTIONS_CSV, encoding="utf-8")
    units.write_text(UNITS_CSV, encoding="utf-8")
    return [jurisdictions, units]


@pytest.fixture
def small_network(db, network_files):
    from motcua.network.services import import_network

    import_network(paths=network_files)


@pytest.fixture
def shared_data(tmp_path: Path) -> Path:
    """The team's reference data, when this checkout sits beside it; tests using it skip otherwise."""
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


def run_concurrently(threads: int, repeat: int, task) -> None:
    """Run task() `repeat` times in each of `threads` threads started together, each thread with its
    own database connection; fail with the errors any thread raised."""
    import threading

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent connections need a file database")
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(repeat):
                task()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors


@pytest.fixture
def triggers_back_after_flush(django_db_blocker):
    """Set up before the transactional database, so its teardown runs after the flush."""
    from motcua.dossiers.events import install_append_only_triggers

    yield
    with django_db_blocker.unblock():
        install_append_only_triggers()


@pytest.fixture
def flushable_events(triggers_back_after_flush, transactional_db):
    """The append-only triggers refuse the flush that ends a transactional test: drop them just
    before it; triggers_back_after_flush puts them back afterwards."""
    from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers

    install_append_only_triggers()
    yield
    drop_append_only_triggers()
