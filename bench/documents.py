"""Benchmark: electronic documents. PAdES signing and validation rates (pyHanko, PKCS#12 key of the
demo CA) for a 1-page and a 50-page PDF, and a 200 MB scan uploaded through the real request path
(WSGI handler, middleware, the documents page's view, the services): throughput and the peak memory
it adds to the process (target: under 64 MB more than idle).

The upload runs in a fresh child process with its own SQLite database in a temporary MOTCUA_HOME: a
counter officer's session and CSRF cookie, then one multipart POST streamed from a file on disk (as a
server's socket would deliver it); peak RSS is the kernel's high-water mark (VmHWM) before and after.
The upload is a real PDF of 1 MB JPEG pages, so the content checks (page count, the bomb check over
every stream) see every byte.

Usage: python bench/documents.py [--quick] [--no-record]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    ROOT,
    load_average,
    motcua,
    motcua_env,
    print_figures,
    record,
    setup_django,
    temporary_home,
)

TARGET_UPLOAD_RSS_MB = 64.0


def vm_kb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return 0.0


def noise_jpeg(size_bytes: int) -> bytes:
    """A JPEG of random pixels (incompressible), about size_bytes long."""
    from PIL import Image

    side = int((size_bytes / 1.0) ** 0.5 * 0.62)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def write_big_pdf(path: Path, megabytes: int) -> int:
    """A real PDF of JPEG pages, written to disk object by object (never held in memory)."""
    jpeg = noise_jpeg(1024 * 1024)
    from PIL import Image

    width, height = Image.open(io.BytesIO(jpeg)).size
    pages = max(1, megabytes * 1024 * 1024 // len(jpeg))
    offsets: list[int] = []
    with open(path, "wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

        def obj(number: int, body: bytes) -> None:
            while len(offsets) < number:
                offsets.append(0)
            offsets[number - 1] = out.tell()
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(pages)).encode()
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
        for i in range(pages):
            page, image, content = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
            obj(
                page,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (image, content),
            )
            obj(
                image,
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
                % (width, height, len(jpeg))
                + jpeg
                + b"\nendstream",
            )
            draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
            obj(content, b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return pages


# --- the upload, in a child process ---------------------------------------------------------------------


def upload_child(pdf: Path) -> None:
    """Run in the child: one counter officer, one dossier, then the upload through the WSGI handler."""
    setup_django(dict(os.environ))
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.wsgi import WSGIHandler
    from django.middleware.csrf import _get_new_csrf_string

    from motcua.documents.models import Document
    from motcua.dossiers.permissions import Actor
    from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn, intake
    from motcua.network.models import Role, RoleAssignment, Unit

    settings.MOTCUA["DOCUMENTS"]["MAX_FILE_MB"] = 300
    settings.MOTCUA["DOCUMENTS"]["MAX_DOSSIER_MB"] = 400
    settings.MOTCUA["DOCUMENTS"]["MAX_PAGES"] = 5000
    center = Unit.objects.get(code="000.00.50.H57")
    user = User.objects.create_user("bench.counter", password="bench-password-1")
    RoleAssignment.objects.create(user=user, unit=center, role=Role.COUNTER)
    actor = Actor.staff(user)
    request = IntakeRequest(
        unit=center.code,
        procedure="2.000815",
        subject_jurisdiction="25747",
        applicant=Applicant(name="Bench", id_number="074190009999"),
        papers=[],
    )
    dossier = intake(actor=actor, request=request).dossier
    component = dossier.procedure_version.components.order_by("id").first().code
    if not dossier.papers.filter(component__code=component).exists():
        request.papers = [PaperIn(component=component)]
        dossier = intake(actor=actor, request=request).dossier
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    csrf = _get_new_csrf_string()
    boundary = "motcuabenchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="do"\r\n\r\nattach\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="component"\r\n\r\n{component}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + pdf.stat().st_size + len(tail)

    class Body(io.RawIOBase):
        """The request body read from disk as a socket would deliver it."""

        def __init__(self) -> None:
            self.parts = [io.BytesIO(head), open(pdf, "rb"), io.BytesIO(tail)]  # noqa: SIM115

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            while self.parts:
                data = self.parts[0].read(len(buffer))
                if data:
                    buffer[: len(data)] = data
                    return len(data)
                self.parts.pop(0).close()
            return 0

    handler = WSGIHandler()

    def call(method: str, body, length: int) -> int:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": f"/desk/dossiers/{dossier.code}/documents/",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "CONTENT_LENGTH": str(length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={csrf}",
            "REMOTE_ADDR": "127.0.0.1",
        }
        status = []
        for _ in handler(environ, lambda s, h, *a: status.append(s)):
            pass
        return int(status[0].split()[0])

    assert call("GET", io.BytesIO(b""), 0) == 200  # warm: templates, translations, queries
    idle_kb = vm_kb("VmRSS")
    hwm_before = vm_kb("VmHWM")
    started = time.perf_counter()
    status = call("POST", io.BufferedReader(Body(), 64 * 1024), size)
    seconds = time.perf_counter() - started
    peak_kb = vm_kb("VmHWM")
    stored = Document.objects.filter(dossier=dossier).first()
    print(
        json.dumps(
            {
                "status": status,
                "seconds": seconds,
                "idle_mb": idle_kb / 1024,
                "peak_mb": max(peak_kb, hwm_before) / 1024,
                "over_idle_mb": (peak_kb - idle_kb) / 1024
                if peak_kb > hwm_before
                else (hwm_before - idle_kb) / 1024,
                "stored_pages": stored.pages if stored else 0,
                "mb": pdf.stat().st_size / 1024 / 1024,
            }
        )
    )


# --- signing and validation, in this process ---------------------------------------------------------


def sign_and_verify_rates(env: dict, rounds: int) -> list[tuple[str, object]]:
    setup_django(env)
    import datetime as dt

    from django.contrib.auth.models import User

    from motcua.documents import democa, signing, verification
    from motcua.network.models import Unit
    from tests.factories import pdf_bytes

    user = User.objects.create_user("bench.signer", first_name="Bench", last_name="Signer")
    now = dt.datetime.now(dt.UTC)
    certificate = democa.ensure_officer_certificate(
        user, Unit.objects.order_by("id").first(), now, signing.pkcs12_password()
    )
    figures = []
    for pages in (1, 50):
        data = pdf_bytes(pages)
        text = signing.StampText("Bench Signer", "Bench", now, signing.verify_url("benchbenchbench1"), True)
        started = time.perf_counter()
        for _ in range(rounds):
            signed, _ = signing.sign(
                data, certificate=certificate, stamp_text=text, reason="bench", location="bench"
            )
        sign_s = (time.perf_counter() - started) / rounds
        started = time.perf_counter()
        for _ in range(rounds):
            assert verification.check(signed).ok
        verify_s = (time.perf_counter() - started) / rounds
        figures += [
            (f"sign_per_s_{pages}p", round(1 / sign_s, 1)),
            (f"verify_per_s_{pages}p", round(1 / verify_s, 1)),
        ]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        upload_child(args.child)
        return 0
    upload_mb = 40 if args.quick else 200
    rounds = 5 if args.quick else 20
    load_before = load_average()
    with temporary_home() as home:
        env = motcua_env(None, home)
        env["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT}"  # this checkout's code, whatever the venv points at
        motcua(env, "migrate", "-v", "0")
        motcua(env, "load-demo", "--no-history")
        pdf = home / "scan.pdf"
        pages = write_big_pdf(pdf, upload_mb)
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(pdf)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            print(child.stderr[-3000:], file=sys.stderr)
            return 1
        upload = json.loads(child.stdout.strip().splitlines()[-1])
        if upload["status"] != 302 or upload["stored_pages"] != pages:
            print(f"upload failed: {upload}", file=sys.stderr)
            return 1
        sys.path.insert(0, str(ROOT))
        figures = sign_and_verify_rates(env, rounds)
    figures += [
        ("upload_mb", round(upload["mb"], 1)),
        ("upload_mb_per_s", round(upload["mb"] / upload["seconds"], 1)),
        ("upload_idle_rss_mb", round(upload["idle_mb"], 1)),
        ("upload_peak_rss_mb", round(upload["over_idle_mb"], 1)),
    ]
    met = upload["over_idle_mb"] < TARGET_UPLOAD_RSS_MB
    print_figures(figures)
    if not args.quick and not args.no_record:
        record(
            "documents (bench/documents.py)",
            figures,
            [
                f"upload: {upload['mb']:.0f} MB PDF of {pages} JPEG pages through the WSGI handler (SQLite); "
                f"upload_peak_rss_mb is the peak over idle; target < {TARGET_UPLOAD_RSS_MB:.0f} MB: "
                f"{'met' if met else 'NOT met'}",
                "signing: PAdES B-B, demo CA P-256 key from a PKCS#12 file, stamp with QR included; "
                "verify: pyHanko validator against the demo CA root, no network",
                f"the machine was shared with five other developers (load average before / after: "
                f"{load_before} / {load_average()})",
            ],
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
