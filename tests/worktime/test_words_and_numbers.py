"""Words and numbers shown to people: time limits, money and opening hours, in both languages."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from motcua.worktime.text import fee_text, money_text, opening_hours_text, time_limit_text


def test_time_limits_in_words():
    assert time_limit_text(Decimal(0), "working_days", "vi") == "Trong ngày"
    assert time_limit_text(Decimal(0), "working_days", "en") == "Same day"
    assert time_limit_text(Decimal(1), "working_days", "en") == "1 working day"
    assert time_limit_text(Decimal(10), "calendar_days", "en") == "10 calendar days"
    assert time_limit_text(Decimal(10), "calendar_days", "vi") == "10 ngày"
    assert time_limit_text(Decimal("0.5"), "working_days", "vi") == "0,5 ngày làm việc"
    assert time_limit_text(Decimal("1.000"), "working_days", "en") == "1 working day"


def test_money_is_grouped_once():
    assert money_text(200000, "vi") == "200.000 đồng"
    assert money_text(200000, "en") == "200,000 VND"
    assert money_text(0, "vi") == "0 đồng"


@given(st.integers(min_value=0, max_value=10**12))
def test_money_reads_back_as_the_amount(amount):
    written = money_text(amount, "vi")
    assert written.endswith(" đồng") and int(written.removesuffix(" đồng").replace(".", "")) == amount


def test_opening_hours_in_the_pages_language():
    spec = "Mon-Fri 07:00-11:30,13:30-17:00"
    assert opening_hours_text(spec, "vi") == "Thứ Hai - Thứ Sáu: 07:00-11:30, 13:30-17:00"
    assert opening_hours_text(spec, "en") == "Monday - Friday: 07:00-11:30, 13:30-17:00"
    both = "Mon-Fri 07:00-17:00; Sat 07:00-11:30"
    assert opening_hours_text(both, "vi") == "Thứ Hai - Thứ Sáu: 07:00-17:00; Thứ Bảy: 07:00-11:30"
    assert opening_hours_text("by appointment", "vi") == "by appointment"  # another shape: as written
    assert opening_hours_text("", "vi") == ""


def test_a_fee_whose_name_states_the_amount_is_not_repeated():
    named = "Phí cung cấp thông tin lý lịch tư pháp: 200.000 đồng/lần/người"
    assert fee_text(named, 200000, "vi") == named
    english = "Criminal record information charge: VND 200,000 per request"
    assert fee_text(english, 200000, "en") == english
    assert fee_text("Lệ phí", 20000, "vi") == "Lệ phí: 20.000 đồng"
    assert fee_text("Fee", 0, "en") == "Fee: 0 VND"


def test_amounts_in_vietnamese_words():
    from motcua.worktime.text import vnd_in_words

    assert vnd_in_words(0) == "Không đồng"
    assert vnd_in_words(200000) == "Hai trăm nghìn đồng"
    assert vnd_in_words(215000) == "Hai trăm mười lăm nghìn đồng"
    assert vnd_in_words(21000) == "Hai mươi mốt nghìn đồng"
    assert vnd_in_words(10500) == "Mười nghìn năm trăm đồng"
    assert vnd_in_words(1005000) == "Một triệu không trăm linh năm nghìn đồng"
    assert vnd_in_words(2_000_000_000) == "Hai tỷ đồng"
    assert vnd_in_words(105) == "Một trăm linh năm đồng"


@given(st.integers(min_value=1, max_value=10**15))
def test_amounts_in_words_are_well_formed(amount):
    from motcua.worktime.text import vnd_in_words

    words = vnd_in_words(amount)
    assert words[0].isupper() and words.endswith(" đồng") and "  " not in words
    assert not words.lower().startswith("không")
