"""The public /transparency/ page: the signed checkpoints of the event log, their public key and root,
each downloadable as written, so that anyone may keep them."""

from __future__ import annotations

from django.test import Client

from motcua.dossiers import checkpoints
from motcua.dossiers.services import intake
from tests.factories import at, judicial_request


def test_the_page_shows_the_checkpoints_and_serves_their_files(world):
    empty = Client().get("/transparency/")
    assert empty.status_code == 200 and "Chưa có điểm mốc nào được ghi." in empty.content.decode()
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    first = checkpoints.write_checkpoint(now=at(2026, 3, 2, 23, 0))
    second = checkpoints.write_checkpoint(now=at(2026, 3, 3, 23, 0))
    page = Client().get("/transparency/")
    html = page.content.decode()
    assert page.status_code == 200 and "Minh bạch nhật ký hồ sơ" in html
    assert second.header["public_key"] in html
    assert html.index(second.header["day"]) < html.index(first.header["day"])  # newest first
    assert first.header["root"] in html and second.header["root"] in html
    download = Client().get(f"/transparency/{first.name}")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == first.path.read_bytes()
    for name in ("../secret_key", "checkpoint-20260101T000000.000000Z.jsonl", "x.jsonl"):
        assert Client().get(f"/transparency/{name}").status_code == 404
