"""Unknown URLs: JSON errors under /api/, the Vietnamese page elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_url_is_a_structured_404(client):
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}


def test_unknown_page_is_the_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
