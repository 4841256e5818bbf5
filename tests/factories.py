"""Test data and the helpers test modules share: plain functions and constants, no fixtures (those are
in the conftest files, built from these). Test modules import from here, never from one another.

- the small test network (two districts of Bình Dương) and the two-procedure catalog;
- the unit codes, the local time zone and intake requests (service) and bodies (HTTP API) for both
  procedures;
- the staff of the test network, one member per role and unit (`make_world`);
- HTTP helpers for the API (bearer clients, receive, post an action, reasons of a 422) and for the
  staff pages (the intake form, page text, PDF text);
- running a task in concurrent threads, each with its own connection;
- dossiers: a consistency check of the log, a dossier in processing at the Department of Justice, a
  result to send by post."""

from __future__ import annotations

import io
import json
import re
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client

from motcua.auth import create_token
from motcua.catalog.services import import_catalog
from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn, act, intake
from motcua.network.models import Role, RoleAssignment, Unit

# --- the network --------------------------------------------------------------------------------

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


def write_network_files(folder: Path) -> list[Path]:
    """The small network as the two CSV files `import_network` reads."""
    jurisdictions = folder / "jurisdictions.csv"
    units = folder / "units.csv"
    jurisdictions.write_text(JURISDICTIONS_CSV, encoding="utf-8")
    units.write_text(UNITS_CSV, encoding="utf-8")
    return [jurisdictions, units]


CENTER = "000.00.00.H57"
BRANCH_TDM = "000.00.30.H57"
BRANCH_DT = "000.00.31.H57"
POINT_PHU_CUONG = "001.30.00.H57"
POINT_DAU_TIENG = "002.31.00.H57"
JUSTICE = "000.00.01.H57"
COMMUNE_PHU_CUONG = "001.01.00.H57"
COMMUNE_DAU_TIENG = "002.02.00.H57"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*parts: int) -> datetime:
    """A moment in the local time zone: at(2026, 3, 2, 9, 0)."""
    return datetime(*parts, tzinfo=TZ)


# --- the catalog: birth registration (commune) and the judicial record certificate (province) ------

CATALOG = {
    "format": "motcua-catalog",
    "format_version": 1,
    "sectors": [
        {"code": "HT", "name_vi": "Hộ tịch", "name_en": "Civil status"},
        {"code": "LLTP", "name_vi": "Lý lịch tư pháp", "name_en": "Judicial records"},
    ],
    "procedures": [
        {
            "code": "1.001193",
            "name_vi": "Thủ tục đăng ký khai sinh",
            "name_en": "Birth registration",
            "sector": "HT",
            "competent": {"level": "commune"},
            "boundary_free": True,
            "online_level": "full",
            "versions": [
                {
                    "version": 1,
                    "effective_from": "2024-01-01",
                    "legal_basis": "Luật Hộ tịch 2014",
                    "time_limit": {"amount": "1", "unit": "working_days"},
                    "time_limit_online": None,
                    "fees": [{"name_vi": "Lệ phí", "name_en": "Fee", "amount_vnd": 0, "kind": "fee"}],
                    "components": [
                        {
                            "code": "TP1",
                            "name_vi": "Tờ khai đăng ký khai sinh",
                            "name_en": "Form",
                            "form": "original",
                            "quantity": 1,
                            "required": True,
                            "reusable": False,
                        }
                    ],
                    "results": [{"code": "KQ1", "name_vi": "Giấy khai sinh", "name_en": "Birth certificate"}],
                    "steps": [
                        {
                            "order": 1,
                            "name_vi": "Tiếp nhận",
                            "name_en": "Receive",
                            "performer": "receiving",
                            "role": "counter",
                            "days": "0.25",
                        },
                        {
                            "order": 2,
                            "name_vi": "Xử lý",
                            "name_en": "Process",
                            "performer": "competent",
                            "role": "specialist",
                            "days": "0.5",
                        },
                        {
                            "order": 3,
                            "name_vi": "Ký",
                            "name_en": "Sign",
                            "performer": "competent",
                            "role": "leader",
                            "days": "0.25",
                        },
                        {
                            "order": 4,
                            "name_vi": "Trả kết quả",
                            "name_en": "Return",
                            "performer": "return",
                            "role": "counter",
                            "days": "0",
                        },
                    ],
                }
            ],
        },
        {
            "code": "2.000488",
            "name_vi": "Cấp Phiếu lý lịch tư pháp",
            "name_en": "Judicial record certificate",
            "sector": "LLTP",
            "competent": {"level": "province", "agency": "000.00.01.H57"},
            "boundary_free": True,
            "online_level": "full",
            "versions": [
                {
                    "version": 1,
                    "effective_from": "2024-01-01",
                    "legal_basis": "Luật Lý lịch tư pháp 2009",
                    "time_limit": {"amount": "10", "unit": "working_days"},
                    "time_limit_online": {"amount": "8", "unit": "working_days"},
                    "fees": [{"name_vi": "Phí", "name_en": "Charge", "amount_vnd": 200000, "kind": "charge"}],
                    "components": [
                        {
                            "code": "TP1",
                            "name_vi": "Tờ khai",
                            "name_en": "Form",
                            "form": "original",
                            "quantity": 1,
                            "required": True,
                        },
                        {
                            "code": "TP9",
                            "name_vi": "Bản sao sổ hộ khẩu",
                            "name_en": "Copy of the household register",
                            "form": "copy",
                            "quantity": 1,
                            "required": False,
                        },
                    ],
                    "results": [],
                    "steps": [
                        {
                            "order": 1,
                            "name_vi": "Tiếp nhận",
                            "performer": "receiving",
                            "role": "counter",
                            "days": "0.5",
                        },
                        {
                            "order": 2,
                            "name_vi": "Xử lý",
                            "performer": "competent",
                            "role": "specialist",
                            "days": "9",
                        },
                        {
                            "order": 3,
                            "name_vi": "Ký",
                            "performer": "competent",
                            "role": "leader",
                            "days": "0.5",
                        },
                        {"order": 4, "name_vi": "Trả", "performer": "return", "role": "counter", "days": "0"},
                    ],
                },
            ],
        },
    ],
}


def write_catalog(tmp_path: Path, catalog: dict, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(catalog, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def import_test_catalog(tmp_path: Path) -> None:
    """The two-procedure catalog, imported (the network must be there)."""
    import_catalog(path=write_catalog(tmp_path, CATALOG))


# --- the staff ------------------------------------------------------------------------------------

PASSWORD = "x-test-password"


def make_world(tmp_path: Path) -> dict[str, Actor]:
    """On the imported small network: the two-procedure catalog and one staff member per role and unit
    (password PASSWORD); returns {name: Actor}."""
    import_test_catalog(tmp_path)
    staff = {}
    for name, unit_code, role in [
        ("counter_pc", POINT_PHU_CUONG, Role.COUNTER),
        ("counter_dt", POINT_DAU_TIENG, Role.COUNTER),
        ("counter_center", CENTER, Role.COUNTER),
        ("postal", CENTER, Role.POSTAL),
        ("spec_justice", JUSTICE, Role.SPECIALIST),
        ("lead_justice", JUSTICE, Role.LEADER),
        ("spec_dt", COMMUNE_DAU_TIENG, Role.SPECIALIST),
        ("lead_dt", COMMUNE_DAU_TIENG, Role.LEADER),
        ("counter_tdm", BRANCH_TDM, Role.COUNTER),
        ("manager", CENTER, Role.MANAGER),
        ("outsider", BRANCH_DT, Role.COUNTER),
    ]:
        user = User.objects.create_user(username=name, password=PASSWORD)
        RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        staff[name] = user
    return {name: Actor.staff(user) for name, user in staff.items()}


# --- intake requests (service) --------------------------------------------------------------------


# how the person confirmed an officer's online filing for them (as the assisted filing records it)
CONFIRMED = {"by": "code"}


def judicial_request(**overrides) -> IntakeRequest:
    """A judicial record certificate received at the Dầu Tiếng reception point for a Phú Cường
    resident (boundary-free; competent: the Department of Justice), the form given as an original,
    returned at the Thủ Dầu Một branch."""
    values = dict(
        unit=POINT_DAU_TIENG,
        procedure="2.000488",
        subject_jurisdiction="25747",
        applicant=Applicant(
            name="Nguyễn Thị Hoa",
            id_number="074190001234",
            phone="0912345678",
            address="Phú Cường, Thủ Dầu Một",
        ),
        papers=[PaperIn(component="TP1", form="original")],
        return_unit=BRANCH_TDM,
    )
    values.update(overrides)
    return IntakeRequest(**values)


def birth_request(**overrides) -> IntakeRequest:
    """A birth registration received at the Phú Cường reception point for Dầu Tiếng township
    (competent: that commune), returned at the center."""
    values = dict(
        unit=POINT_PHU_CUONG,
        procedure="1.001193",
        subject_jurisdiction="25966",
        applicant=Applicant(name="Trần Văn Nam", id_number="074090004321"),
        papers=[PaperIn(component="TP1")],
        return_unit=CENTER,
    )
    values.update(overrides)
    return IntakeRequest(**values)


# --- the HTTP API ---------------------------------------------------------------------------------

DOSSIERS = "/api/dossiers"


def judicial_body(**overrides) -> dict:
    """judicial_request as the API's JSON body."""
    body = {
        "unit": POINT_DAU_TIENG,
        "procedure": "2.000488",
        "subject_jurisdiction": "25747",
        "applicant": {
            "name": "Nguyễn Thị Hoa",
            "id_number": "074190001234",
            "phone": "0912345678",
            "address": "Phú Cường, Thủ Dầu Một",
        },
        "papers": [{"component": "TP1", "form": "original"}],
        "return_unit": BRANCH_TDM,
    }
    body.update(overrides)
    return body


def birth_body(**overrides) -> dict:
    """birth_request as the API's JSON body."""
    body = {
        "unit": POINT_PHU_CUONG,
        "procedure": "1.001193",
        "subject_jurisdiction": "25966",
        "applicant": {"name": "Trần Văn Nam", "id_number": "074090004321"},
        "papers": [{"component": "TP1"}],
        "return_unit": CENTER,
    }
    body.update(overrides)
    return body


class Clock:
    """The moment django.utils.timezone.now gives (the `clock` fixture); None: the real time."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def set(self, moment: datetime) -> None:
        self.now = moment


class ApiClient:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, url: str, **params):
        return self.client.get(url, params)

    def post(self, url: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(url, data=data, content_type="application/json")


def api_clients(world: dict) -> dict[str, ApiClient]:
    """clients["counter_dt"].post(...): a client with that staff member's bearer token; "anonymous"
    has none."""
    clients = {}
    for name, actor in world.items():
        token = create_token(user=actor.user, name="test")
        clients[name] = ApiClient(Client(HTTP_AUTHORIZATION=f"Bearer {token}"))
    clients["anonymous"] = ApiClient(Client())
    return clients


def receive(client: ApiClient, body: dict, expect: int = 201) -> dict:
    """POST an intake; the answer must have the expected status."""
    response = client.post(DOSSIERS, body)
    assert response.status_code == expect, response.content
    return response.json()


def post_action(client: ApiClient, code: str, action: str, body=None, expect: int = 200) -> dict:
    """POST an action on a dossier; the answer must have the expected status."""
    response = client.post(f"{DOSSIERS}/{code}/actions/{action}", body)
    assert response.status_code == expect, response.content
    return response.json()


def reasons(response, status: int = 422) -> dict[str, str]:
    """The Vietnamese reason per field of an error answer, which must have that status and whose
    reasons must carry none of pydantic's English."""
    assert response.status_code == status, response.content
    problems = response.json()["problems"]
    for problem in problems:
        assert not PYDANTIC_ENGLISH.search(problem["reason_vi"]), problem
        assert problem["reason_en"] not in problem["reason_vi"], problem
    return {p["field"]: p["reason_vi"] for p in problems}


# Words of pydantic's English messages that must never reach reason_vi.
PYDANTIC_ENGLISH = re.compile(
    r"\b(Input|should|String|Field|valid|Value error|characters?|required|permitted)\b"
)


# --- the staff pages ------------------------------------------------------------------------------

INTAKE_FORM = {
    "unit": POINT_DAU_TIENG,
    "channel": "1",
    "procedure": "2.000488",
    "subject_jurisdiction": "25747",
    "applicant_name": "Nguyễn Thị Hoa",
    "applicant_id_number": "074190001234",
    "applicant_phone": "0912345678",
    "applicant_address": "Phú Cường, Thủ Dầu Một",
    "paper_TP1": "on",
    "form_TP1": "original",
    "qty_TP1": "1",
    "return_mode": "unit",
    "return_unit": BRANCH_TDM,
    "decision": "receive",
}


def page_text(response) -> str:
    return response.content.decode()


def error_after(page: str, field_id: str, message: str) -> bool:
    """The error message follows the field (before the next field's label)."""
    start = page.index(f'id="{field_id}"')
    following = page[start : start + 4000]
    end = following.find("<label", 10)
    return message in following[: end if end > 0 else None]


def pdf_text(content: bytes) -> str:
    """Check the PDF is real and embeds DejaVu Sans (Vietnamese glyphs); return its text (pypdf, a
    development dependency)."""
    from pypdf import PdfReader

    assert content.startswith(b"%PDF") and b"DejaVuSans" in content and b"/FontFile2" in content
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- concurrency ----------------------------------------------------------------------------------


def run_concurrently(threads: int, repeat: int, task) -> None:
    """Run task() `repeat` times in each of `threads` threads started together, each thread with its
    own database connection; fail with the errors any thread raised."""
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


# --- dossiers -------------------------------------------------------------------------------------


def assert_consistent(dossier: Dossier) -> None:
    """The dossier's hash chain is intact and its stored state is the one its events rebuild."""
    dossier.refresh_from_db()
    assert verify_chain(dossier) == []
    same, differences = rebuilt_matches(dossier)
    assert same, differences


def in_processing(world, **overrides) -> Dossier:
    """A judicial dossier received on Monday 2 March 2026 at 09:00 and handed to the Department of
    Justice at 10:00 (its reception step done)."""
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(**overrides), now=at(2026, 3, 2, 9, 0)
    ).dossier
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    dossier.refresh_from_db()
    return dossier


POSTAL_ADDRESS = "12 Yersin, Phú Cường, Thủ Dầu Một"


def finished_by_post(world, carried: bool = True) -> Dossier:
    """A judicial dossier received at the center on Monday 2 March 2026, the result to be sent by post,
    finished by the Department of Justice on Thursday 5 March and (carried) brought back to the center,
    where the postal officer sends it."""
    request = judicial_request(
        unit=CENTER, return_unit="", return_by_post=True, return_address=POSTAL_ADDRESS
    )
    code = intake(actor=world["counter_center"], request=request, now=at(2026, 3, 2, 9, 0)).dossier.code
    act(actor=world["counter_center"], code=code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=code, action="complete_step", now=at(2026, 3, 4, 10, 0))
    act(actor=world["lead_justice"], code=code, action="finish", now=at(2026, 3, 5, 9, 0))
    if carried:
        act(actor=world["lead_justice"], code=code, action="carry_result", now=at(2026, 3, 5, 10, 0))
    return Dossier.objects.get(code=code)


def name_the_specialist(world) -> None:
    """The Department of Justice's specialist gets a full name (Lê Minh Tâm)."""
    user = world["spec_justice"].user
    user.first_name, user.last_name = "Lê Minh", "Tâm"  # as the network import splits "Lê Minh Tâm"
    user.save()


def at_justice_asking_for_tp9(world) -> str:
    """A dossier handed to the Department of Justice, whose specialist asked for paper TP9."""
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        params={"missing": [{"code": "TP9"}]},
    )
    return code


# --- electronic documents: real PDFs and images, a demo PKI -----------------------------------------


def pdf_bytes(pages: int = 1, text: str = "Giấy tờ mẫu") -> bytes:
    """A real PDF of that many A4 pages (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        sheet.drawString(72, 760, f"{text} - page {number}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (400, 560)) -> bytes:
    """A real scanned-looking image (Pillow), as JPEG or PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((20, 20), "CCCD 074190001234", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def give_certificate(actor: Actor, unit_code: str, **validity):
    """A demo-CA certificate with its PKCS#12 file for a staff member (validity: not_before,
    not_after to make an expired one)."""
    from datetime import UTC, timedelta
    from datetime import datetime as moment

    from django.conf import settings

    from motcua.demo.loader import demo_password
    from motcua.documents import certificates, democa

    now = moment.now(UTC)
    ca_key, ca_cert = democa.ensure_ca(now)
    unit = Unit.objects.get(code=unit_code)
    key, cert = democa.issue(
        ca_key,
        ca_cert,
        actor.user.get_full_name() or actor.user.get_username(),
        unit=unit.name_vi,
        not_before=validity.get("not_before", now - timedelta(days=30)),
        not_after=validity.get("not_after", now + timedelta(days=365)),
    )
    path = (
        Path(settings.MOTCUA["DOCUMENTS"]["KEYS"]) / f"{actor.user.get_username()}-{cert.serial_number}.p12"
    )
    democa.write_pkcs12(path, key, cert, ca_cert, demo_password().encode())
    return certificates.register(
        user=actor.user, data=democa.pem(cert), unit=unit, key_ref=str(path), demo=True
    )


def pdf_bomb_bytes(inflated_mb: int = 200) -> bytes:
    """A small, valid PDF whose page content inflates to inflated_mb megabytes (a decompression bomb)."""
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    packer = zlib.compressobj(9)
    block = b"0 0 m\n" * (1024 * 1024 // 6)
    compressed = b"".join(packer.compress(block) for _ in range(inflated_mb)) + packer.flush()
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = compressed  # already deflated: set as is
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- people and businesses: the demo identity provider on the live server ---------------------------

CITIZEN_HOA = "074190001234"  # a demo citizen (motcua/demo/data/citizens.json): judicial_request's applicant
CITIZEN_MINH = "074085004321"


def use_demo_provider(settings, live_server_url: str) -> str:
    """Point the portal at the demo provider served by the live test server, and register the demo
    citizens and the portal's client there; returns the provider's base URL."""
    from motcua.demo.provider import ensure_demo_identities

    base = f"{live_server_url}/demo-idp"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/.well-known/jwks.json"
    ensure_demo_identities(public_urls=[live_server_url, "http://testserver"])
    return base


def oidc_start(client: Client, next_url: str = "") -> dict[str, str]:
    """The portal's redirect to the provider: the authorization request's parameters, and its path
    as "_path"."""
    from urllib.parse import parse_qs, urlsplit

    response = client.get("/my/login/start/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    return {k: v[0] for k, v in parse_qs(location.query).items()} | {"_path": location.path}


def oidc_authorize(client: Client, params: dict[str, str], id_number: str) -> str:
    """At the provider: log in as the demo citizen, then the authorization endpoint; returns the
    portal callback's path and query as the provider redirects to it."""
    from urllib.parse import urlsplit

    from motcua.demo.loader import demo_password

    params = dict(params)
    path = params.pop("_path")
    response = client.post(
        "/demo-idp/login/", {"id_number": id_number, "password": demo_password(), "next": "/"}
    )
    assert response.status_code == 302, response.content
    response = client.get(path, params)
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert location.path == "/my/oidc/callback/", response["Location"]
    return f"{location.path}?{location.query}"


def citizen_client(id_number: str, client: Client | None = None) -> Client:
    """A test client logged in as the demo citizen through the whole flow (use_demo_provider first)."""
    client = client or Client()
    response = client.get(oidc_authorize(client, oidc_start(client), id_number))
    assert response.status_code == 302 and response["Location"] == "/my/", response.content
    return client
