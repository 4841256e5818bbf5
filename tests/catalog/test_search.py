"""Catalog search without regard to capitals or diacritics: the folding (properties) and the public
page and API that use it."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.search import fold, words


def test_fold_removes_capitals_and_vietnamese_marks():
    assert fold("  Đăng KÝ   kết HÔN ") == "dang ky ket hon"
    assert fold("Cấp Phiếu lý lịch tư pháp") == "cap phieu ly lich tu phap"
    assert fold("ỨNG DỤNG") == fold("ứng dụng") == "ung dung"


VIETNAMESE = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ .-0123456789"
)


@given(VIETNAMESE)
def test_folding_is_idempotent_ascii_and_blind_to_capitals(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert fold(text.upper()) == folded
    assert words(text) == folded.split()


@given(VIETNAMESE, VIETNAMESE, VIETNAMESE)
def test_a_folded_part_is_found_in_the_folded_whole(before, part, after):
    for word in words(part):
        assert word in fold(f"{before} {part} {after}")


def test_home_and_api_find_procedures_whatever_the_capitals_and_marks(client, catalog):
    for query in ("lý lịch", "LÝ LỊCH", "ly lich", "phieu LY lich", "2.000488", "judicial record"):
        fragment = client.get("/", {"q": query}, HTTP_HX_REQUEST="true").content.decode()
        assert "Cấp Phiếu lý lịch tư pháp" in fragment and "khai sinh" not in fragment, query
        found = client.get("/api/catalog/procedures", {"q": query}).json()
        assert [p["code"] for p in found] == ["2.000488"], query
    assert client.get("/api/catalog/procedures", {"q": "ly lich kết hôn"}).json() == []
