"""The admin speaks Vietnamese, whatever the browser says: Django's own words and our labels (apps,
models, fields) are translated."""

from django.contrib.auth.models import User


def test_the_admin_is_vietnamese_with_its_labels_translated(client, small_network):
    admin = User.objects.create_superuser("root", password="x-root-password-1")
    client.force_login(admin)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mạng lưới phục vụ" in index and "Danh mục thủ tục" in index and "Đơn vị" in index
    assert " / " not in index.split("<title>")[1].split("</title>")[0]
    form = client.get("/admin/network/unit/add/").content.decode()
    for label in ("Tên (tiếng Việt)", "Địa bàn", "Điện thoại", "Giờ làm việc", "Số quầy"):
        assert f"{label}:</label>" in form, label
    assert ">Đang hoạt động</label>" in form  # a check box's label
    assert "Name vi" not in form and "Opening hours" not in form
    procedures = client.get("/admin/catalog/procedureversion/add/").content.decode()
    assert "Thời hạn giải quyết:</label>" in procedures and "Căn cứ pháp lý:</label>" in procedures
