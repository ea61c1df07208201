"""Seed the document types of NĐ 30/2020 Điều 7 (abbreviations: Phụ lục III) and the legal
normative types an agency receives (Luật Ban hành văn bản quy phạm pháp luật)."""

from django.db import migrations

# (code, name, abbreviation, is_legal_normative)
TYPES = [
    ("nghi-quyet", "Nghị quyết", "NQ", False),
    ("quyet-dinh", "Quyết định", "QĐ", False),
    ("chi-thi", "Chỉ thị", "CT", False),
    ("quy-che", "Quy chế", "QC", False),
    ("quy-dinh", "Quy định", "QyĐ", False),
    ("thong-cao", "Thông cáo", "TC", False),
    ("thong-bao", "Thông báo", "TB", False),
    ("huong-dan", "Hướng dẫn", "HD", False),
    ("chuong-trinh", "Chương trình", "CTr", False),
    ("ke-hoach", "Kế hoạch", "KH", False),
    ("phuong-an", "Phương án", "PA", False),
    ("de-an", "Đề án", "ĐA", False),
    ("du-an", "Dự án", "DA", False),
    ("bao-cao", "Báo cáo", "BC", False),
    ("bien-ban", "Biên bản", "BB", False),
    ("to-trinh", "Tờ trình", "TTr", False),
    ("hop-dong", "Hợp đồng", "HĐ", False),
    ("cong-van", "Công văn", "", False),
    ("cong-dien", "Công điện", "CĐ", False),
    ("ban-ghi-nho", "Bản ghi nhớ", "BGN", False),
    ("ban-thoa-thuan", "Bản thỏa thuận", "BTT", False),
    ("giay-uy-quyen", "Giấy ủy quyền", "GUQ", False),
    ("giay-moi", "Giấy mời", "GM", False),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT", False),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP", False),
    ("phieu-gui", "Phiếu gửi", "PG", False),
    ("phieu-chuyen", "Phiếu chuyển", "PC", False),
    ("phieu-bao", "Phiếu báo", "PB", False),
    ("thu-cong", "Thư công", "", False),
    # Legal normative documents (numbered per type with the year: 22/2017/QĐ-UBND).
    ("nghi-quyet-qppl", "Nghị quyết (quy phạm pháp luật)", "NQ", True),
    ("quyet-dinh-qppl", "Quyết định (quy phạm pháp luật)", "QĐ", True),
    ("luat", "Luật", "", True),
    ("nghi-dinh", "Nghị định", "NĐ", True),
    ("thong-tu", "Thông tư", "TT", True),
    ("thong-tu-lien-tich", "Thông tư liên tịch", "TTLT", True),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    for rank, (code, name, abbreviation, legal) in enumerate(TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "is_legal_normative": legal,
                "rank": rank * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("registry", "DocumentType").objects.filter(
        code__in=[t[0] for t in TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
