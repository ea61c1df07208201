# ruff: noqa: E501 -- the documents' lines are data, kept whole.
"""Write the labelled set of documents the metadata suggester is measured on (see README.md).

Every document is specified by hand below (agency, type, number, date, summary, signer, urgency);
this script only lays each one out in one of the text shapes a clerk's file gives (a PDF text
layer with its two columns, a DOCX or flowing PDF text, OCR output with seeded noise) and writes
NN.txt and labels.json. Run: `uv run python vanthu/intake/tests/data/suggest/generate.py`.
The output is committed; the script is kept so the set can be read and rebuilt.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
SEED = 20261202

# key: (header lines top left, place printed before the date, abbreviation, label name)
AGENCIES = {
    "ubt": (
        ["ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA"],
        "Khánh Hòa",
        "UBND",
        "Ủy ban nhân dân tỉnh Khánh Hòa",
    ),
    "hdt": (
        ["HỘI ĐỒNG NHÂN DÂN", "TỈNH KHÁNH HÒA"],
        "Khánh Hòa",
        "HĐND",
        "Hội đồng nhân dân tỉnh Khánh Hòa",
    ),
    "sxd": (["UBND TỈNH KHÁNH HÒA", "SỞ XÂY DỰNG"], "Khánh Hòa", "SXD", "Sở Xây dựng"),
    "stc": (["UBND TỈNH KHÁNH HÒA", "SỞ TÀI CHÍNH"], "Khánh Hòa", "STC", "Sở Tài chính"),
    "syt": (["UBND TỈNH KHÁNH HÒA", "SỞ Y TẾ"], "Khánh Hòa", "SYT", "Sở Y tế"),
    "snv": (["UBND TỈNH KHÁNH HÒA", "SỞ NỘI VỤ"], "Khánh Hòa", "SNV", "Sở Nội vụ"),
    "sgd": (
        ["UBND TỈNH KHÁNH HÒA", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"],
        "Khánh Hòa",
        "SGDĐT",
        "Sở Giáo dục và Đào tạo",
    ),
    "skh": (
        ["UBND TỈNH KHÁNH HÒA", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"],
        "Khánh Hòa",
        "SKHĐT",
        "Sở Kế hoạch và Đầu tư",
    ),
    "stp": (["UBND TỈNH KHÁNH HÒA", "SỞ TƯ PHÁP"], "Khánh Hòa", "STP", "Sở Tư pháp"),
    "stn": (
        ["UBND TỈNH KHÁNH HÒA", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"],
        "Khánh Hòa",
        "STNMT",
        "Sở Tài nguyên và Môi trường",
    ),
    "snn": (
        ["UBND TỈNH KHÁNH HÒA", "SỞ NÔNG NGHIỆP VÀ", "PHÁT TRIỂN NÔNG THÔN"],
        "Khánh Hòa",
        "SNN",
        "Sở Nông nghiệp và Phát triển nông thôn",
    ),
    "sdl": (["UBND TỈNH KHÁNH HÒA", "SỞ DU LỊCH"], "Khánh Hòa", "SDL", "Sở Du lịch"),
    "nt": (
        ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ NHA TRANG"],
        "Nha Trang",
        "UBND",
        "Ủy ban nhân dân thành phố Nha Trang",
    ),
    "cl": (
        ["ỦY BAN NHÂN DÂN", "HUYỆN CAM LÂM"],
        "Cam Lâm",
        "UBND",
        "Ủy ban nhân dân huyện Cam Lâm",
    ),
    "nh": (
        ["ỦY BAN NHÂN DÂN", "THỊ XÃ NINH HÒA"],
        "Ninh Hòa",
        "UBND",
        "Ủy ban nhân dân thị xã Ninh Hòa",
    ),
    "cht": (
        ["ỦY BAN NHÂN DÂN", "XÃ CAM HẢI TÂY"],
        "Cam Hải Tây",
        "UBND",
        "Ủy ban nhân dân xã Cam Hải Tây",
    ),
    "vh": (
        ["ỦY BAN NHÂN DÂN", "PHƯỜNG VĨNH HẢI"],
        "Vĩnh Hải",
        "UBND",
        "Ủy ban nhân dân phường Vĩnh Hải",
    ),
    "tckh": (
        ["UBND THÀNH PHỐ NHA TRANG", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"],
        "Nha Trang",
        "TCKH",
        "Phòng Tài chính - Kế hoạch",
    ),
    "btttt": (["BỘ THÔNG TIN VÀ TRUYỀN THÔNG"], "Hà Nội", "BTTTT", "Bộ Thông tin và Truyền thông"),
    "bnv": (["BỘ NỘI VỤ"], "Hà Nội", "BNV", "Bộ Nội vụ"),
    "btc": (["BỘ TÀI CHÍNH"], "Hà Nội", "BTC", "Bộ Tài chính"),
    "vpcp": (["VĂN PHÒNG CHÍNH PHỦ"], "Hà Nội", "VPCP", "Văn phòng Chính phủ"),
    "ct": (
        ["TỔNG CỤC THUẾ", "CỤC THUẾ TỈNH KHÁNH HÒA"],
        "Khánh Hòa",
        "CTKHH",
        "Cục Thuế tỉnh Khánh Hòa",
    ),
    "py": (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ YÊN"], "Phú Yên", "UBND", "Ủy ban nhân dân tỉnh Phú Yên"),
    "nttt": (
        ["UBND TỈNH NINH THUẬN", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"],
        "Ninh Thuận",
        "STTTT",
        "Sở Thông tin và Truyền thông",
    ),
    "bqlvp": (
        ["UBND TỈNH KHÁNH HÒA", "BAN QUẢN LÝ", "KHU KINH TẾ VÂN PHONG"],
        "Khánh Hòa",
        "BQL",
        "Ban Quản lý khu kinh tế Vân Phong",
    ),
}

# id, agency, type, number, notation suffix (after the type or agency), date, summary,
# competence, position, signer, urgency ("" normal), layout, noise
DOCS = [
    (
        1,
        "ubt",
        "Quyết định",
        "125",
        "",
        "2024-03-05",
        "Về việc phê duyệt Kế hoạch chuyển đổi số tỉnh Khánh Hòa năm 2024",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Hòa Nam",
        "",
        "layout",
        0,
    ),
    (
        2,
        "sxd",
        "Công văn",
        "345",
        "QLN",
        "2024-04-11",
        "Hướng dẫn thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Lê Văn Dũng",
        "",
        "flow",
        0,
    ),
    (
        3,
        "hdt",
        "Nghị quyết",
        "12",
        "2024",
        "2024-07-12",
        "Quy định mức chi hỗ trợ cho công tác chuyển đổi số trên địa bàn tỉnh Khánh Hòa",
        "",
        "CHỦ TỊCH",
        "Nguyễn Khắc Toàn",
        "",
        "layout",
        0,
    ),
    (
        4,
        "btttt",
        "Công văn",
        "1234",
        "CĐSQG",
        "2024-05-20",
        "Hướng dẫn kết nối Trục liên thông văn bản quốc gia",
        "KT. BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "Phạm Đức Long",
        "khan",
        "layout",
        0,
    ),
    (
        5,
        "stc",
        "Tờ trình",
        "88",
        "",
        "2024-06-03",
        "Về việc đề nghị bổ sung dự toán kinh phí năm 2024 cho Sở Thông tin và Truyền thông",
        "",
        "GIÁM ĐỐC",
        "Nguyễn Thị Thanh Hà",
        "",
        "flow",
        1,
    ),
    (
        6,
        "snv",
        "Thông báo",
        "215",
        "",
        "2024-02-26",
        "Kết quả thi tuyển công chức tỉnh Khánh Hòa năm 2023",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Võ Thị Mỹ Dung",
        "",
        "layout",
        1,
    ),
    (
        7,
        "cl",
        "Báo cáo",
        "156",
        "",
        "2024-09-30",
        "Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 9 tháng đầu năm 2024",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Ngọc Thạch",
        "",
        "flow",
        0,
    ),
    (
        8,
        "sgd",
        "Kế hoạch",
        "1520",
        "",
        "2024-08-15",
        "Tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh năm học 2024 - 2025",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Phan Thị Hồng Nhung",
        "",
        "layout",
        0,
    ),
    (
        9,
        "ubt",
        "Chỉ thị",
        "05",
        "",
        "2024-01-18",
        "Về việc tăng cường công tác phòng, chống dịch bệnh mùa khô năm 2024",
        "",
        "CHỦ TỊCH",
        "Nguyễn Tấn Tuân",
        "",
        "flow",
        0,
    ),
    (
        10,
        "syt",
        "Giấy mời",
        "47",
        "",
        "2024-10-02",
        "Dự hội nghị triển khai công tác tiêm chủng mở rộng năm 2025",
        "TL. GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "Đặng Minh Tâm",
        "",
        "layout",
        1,
    ),
    (
        11,
        "vpcp",
        "Công điện",
        "98",
        "",
        "2024-09-08",
        "Về việc tập trung ứng phó khẩn cấp với bão số 3",
        "KT. BỘ TRƯỞNG, CHỦ NHIỆM",
        "PHÓ CHỦ NHIỆM",
        "Mai Thị Thu Vân",
        "hoa toc",
        "flow",
        0,
    ),
    (
        12,
        "tckh",
        "Công văn",
        "412",
        "NS",
        "2024-11-04",
        "Đề nghị báo cáo tình hình giải ngân vốn đầu tư công năm 2024",
        "",
        "TRƯỞNG PHÒNG",
        "Huỳnh Văn Phúc",
        "khan",
        "flow",
        1,
    ),
    (
        13,
        "cht",
        "Báo cáo",
        "23",
        "",
        "2024-06-20",
        "Kết quả công tác cải cách hành chính 6 tháng đầu năm 2024",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Văn Bảy",
        "",
        "layout",
        1,
    ),
    (
        14,
        "bnv",
        "Công văn",
        "2783",
        "VTLTNN-NVTW",
        "2024-12-10",
        "Hướng dẫn lập hồ sơ điện tử và nộp lưu vào Lưu trữ cơ quan",
        "TL. BỘ TRƯỞNG",
        "CỤC TRƯỞNG CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC",
        "Đặng Thanh Tùng",
        "",
        "layout",
        0,
    ),
    (
        15,
        "nt",
        "Quyết định",
        "3021",
        "",
        "2024-10-21",
        "Về việc thành lập Ban Chỉ đạo chuyển đổi số thành phố Nha Trang",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Huy Toàn",
        "",
        "flow",
        1,
    ),
    (
        16,
        "skh",
        "Công văn",
        "1876",
        "ĐKKD",
        "2024-07-25",
        "Phối hợp rà soát doanh nghiệp ngừng hoạt động trên địa bàn tỉnh",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Trịnh Minh Hoàng",
        "",
        "layout",
        1,
    ),
    (
        17,
        "stp",
        "Kế hoạch",
        "67",
        "",
        "2024-03-14",
        "Phổ biến, giáo dục pháp luật năm 2024 trên địa bàn tỉnh Khánh Hòa",
        "",
        "GIÁM ĐỐC",
        "Trần Thị Kim Oanh",
        "",
        "flow",
        0,
    ),
    (
        18,
        "stn",
        "Thông báo",
        "301",
        "",
        "2024-05-06",
        "Kết luận của Giám đốc Sở tại cuộc họp về công tác quản lý khoáng sản",
        "TL. GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "Ngô Quang Vinh",
        "",
        "layout",
        0,
    ),
    (
        19,
        "snn",
        "Công văn",
        "2240",
        "CCTL",
        "2024-08-02",
        "Triển khai các biện pháp chống hạn vụ Hè Thu năm 2024",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Lê Tấn Bản",
        "thuong khan",
        "flow",
        0,
    ),
    (
        20,
        "ubt",
        "Công văn",
        "4567",
        "KT",
        "2024-06-17",
        "Triển khai Đề án 06 của Chính phủ về phát triển ứng dụng dữ liệu dân cư",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Hà Đăng Khoa",
        "",
        "layout",
        1,
    ),
    (
        21,
        "nh",
        "Tờ trình",
        "210",
        "",
        "2024-04-29",
        "Về việc đề nghị phê duyệt chủ trương đầu tư dự án đường giao thông nông thôn",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Thanh Hà",
        "",
        "flow",
        1,
    ),
    (
        22,
        "btc",
        "Công văn",
        "9012",
        "NSNN",
        "2024-09-12",
        "Hướng dẫn xây dựng dự toán ngân sách nhà nước năm 2025",
        "KT. BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "Võ Thành Hưng",
        "",
        "flow",
        0,
    ),
    (
        23,
        "ct",
        "Thông báo",
        "1458",
        "",
        "2024-11-22",
        "Về việc tạm ngừng hoạt động hệ thống thuế điện tử để nâng cấp",
        "KT. CỤC TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
        "Bùi Văn Thắng",
        "khan",
        "layout",
        0,
    ),
    (
        24,
        "vh",
        "Kế hoạch",
        "45",
        "",
        "2024-02-05",
        "Tổ chức Tết trồng cây đời đời nhớ ơn Bác Hồ Xuân Giáp Thìn năm 2024",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Phạm Thị Lan",
        "",
        "flow",
        1,
    ),
    (
        25,
        "py",
        "Quyết định",
        "1789",
        "",
        "2024-12-02",
        "Về việc ban hành Quy chế phối hợp trao đổi văn bản điện tử giữa các cơ quan",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Đào Mỹ Linh",
        "",
        "layout",
        0,
    ),
    (
        26,
        "nttt",
        "Công văn",
        "802",
        "BCVT",
        "2024-10-15",
        "Đề nghị cung cấp thông tin về hạ tầng viễn thông thụ động",
        "",
        "GIÁM ĐỐC",
        "Lê Kim Hoàng",
        "",
        "flow",
        0,
    ),
    (
        27,
        "sdl",
        "Báo cáo",
        "312",
        "",
        "2024-12-20",
        "Tổng kết hoạt động du lịch năm 2024 và phương hướng nhiệm vụ năm 2025",
        "",
        "GIÁM ĐỐC",
        "Nguyễn Thị Lệ Thanh",
        "",
        "layout",
        1,
    ),
    (
        28,
        "bqlvp",
        "Công văn",
        "1102",
        "QLDN",
        "2024-06-28",
        "Đôn đốc báo cáo tình hình thực hiện dự án đầu tư quý II năm 2024",
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Trương Công Khánh",
        "",
        "flow",
        1,
    ),
    (
        29,
        "ubt",
        "Kế hoạch",
        "9876",
        "",
        "2024-11-11",
        "Triển khai thực hiện Chương trình chuyển đổi số quốc gia năm 2025",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Trần Hòa Nam",
        "",
        "flow",
        0,
    ),
    (
        30,
        "syt",
        "Công văn",
        "3345",
        "NVY",
        "2024-08-27",
        "Tăng cường phòng, chống bệnh sốt xuất huyết",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Phan Văn Tường",
        "thuong khan",
        "layout",
        1,
    ),
    (
        31,
        "sgd",
        "Thông báo",
        "98",
        "",
        "2024-01-09",
        "Lịch nghỉ Tết Nguyên đán Giáp Thìn năm 2024 đối với học sinh",
        "",
        "GIÁM ĐỐC",
        "Võ Hữu Hùng",
        "",
        "flow",
        0,
    ),
    (
        32,
        "hdt",
        "Nghị quyết",
        "07",
        "2024",
        "2024-04-19",
        "Ban hành Quy định chính sách hỗ trợ phát triển du lịch trên địa bàn tỉnh",
        "",
        "CHỦ TỊCH",
        "Nguyễn Khắc Toàn",
        "",
        "flow",
        1,
    ),
    (
        33,
        "stc",
        "Công văn",
        "2761",
        "QLNS",
        "2024-07-08",
        "Thẩm định dự toán kinh phí tổ chức hội nghị chuyển đổi số",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đỗ Thị Mai",
        "",
        "layout",
        0,
    ),
    (
        34,
        "cl",
        "Giấy mời",
        "19",
        "",
        "2024-03-27",
        "Họp đánh giá tiến độ giải phóng mặt bằng dự án sân bay Cam Ranh mở rộng",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Nguyễn Hữu Lộc",
        "khan",
        "flow",
        1,
    ),
    (
        35,
        "snv",
        "Quyết định",
        "402",
        "",
        "2024-09-03",
        "Về việc cử công chức tham gia lớp bồi dưỡng kỹ năng văn thư, lưu trữ",
        "",
        "GIÁM ĐỐC",
        "Lê Thị Ánh Tuyết",
        "",
        "layout",
        1,
    ),
    (
        36,
        "btttt",
        "Thông báo",
        "506",
        "",
        "2024-10-28",
        "Kết luận của Thứ trưởng tại buổi làm việc với tỉnh Khánh Hòa về chuyển đổi số",
        "TL. BỘ TRƯỞNG",
        "CHÁNH VĂN PHÒNG",
        "Ngô Hải Phan",
        "",
        "flow",
        0,
    ),
    (
        37,
        "nt",
        "Báo cáo",
        "578",
        "",
        "2024-12-16",
        "Kết quả thực hiện công tác văn thư, lưu trữ năm 2024",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hồ Văn Mừng",
        "",
        "layout",
        0,
    ),
    (
        38,
        "stn",
        "Công văn",
        "3987",
        "QLĐĐ",
        "2024-05-30",
        "Góp ý dự thảo bảng giá đất điều chỉnh trên địa bàn thành phố Nha Trang",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Xuân Thành",
        "",
        "flow",
        1,
    ),
    (
        39,
        "cht",
        "Tờ trình",
        "12",
        "",
        "2024-02-19",
        "Về việc đề nghị công nhận xã đạt chuẩn nông thôn mới nâng cao năm 2023",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Trần Văn Thuận",
        "",
        "flow",
        0,
    ),
    (
        40,
        "vpcp",
        "Thông báo",
        "412",
        "",
        "2024-09-16",
        "Kết luận của Phó Thủ tướng tại hội nghị trực tuyến về cải cách thủ tục hành chính",
        "KT. BỘ TRƯỞNG, CHỦ NHIỆM",
        "PHÓ CHỦ NHIỆM",
        "Nguyễn Sỹ Hiệp",
        "",
        "layout",
        1,
    ),
    (
        41,
        "ubt",
        "Quyết định",
        "2511",
        "",
        "2024-10-08",
        "Về việc công bố danh mục thủ tục hành chính mới ban hành lĩnh vực thông tin và truyền thông",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Hữu Hoàng",
        "",
        "layout",
        1,
    ),
    (
        42,
        "sxd",
        "Báo cáo",
        "276",
        "",
        "2024-04-01",
        "Tình hình quản lý nhà ở và thị trường bất động sản quý I năm 2024",
        "",
        "GIÁM ĐỐC",
        "Võ Ngọc Lâm",
        "",
        "flow",
        0,
    ),
    (
        43,
        "tckh",
        "Thông báo",
        "66",
        "",
        "2024-08-09",
        "Thẩm định quyết toán dự án hoàn thành",
        "KT. TRƯỞNG PHÒNG",
        "PHÓ TRƯỞNG PHÒNG",
        "Lâm Thị Hồng",
        "",
        "layout",
        0,
    ),
    (
        44,
        "skh",
        "Giấy mời",
        "128",
        "",
        "2024-11-27",
        "Dự hội nghị xúc tiến đầu tư vào Khu kinh tế Vân Phong năm 2024",
        "TL. GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "Phạm Ngọc Hân",
        "",
        "flow",
        1,
    ),
    (
        45,
        "nh",
        "Công văn",
        "1345",
        "TNMT",
        "2024-03-21",
        "Xử lý vi phạm về khai thác cát trái phép trên sông Dinh",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Đinh Văn Thiệu",
        "khan",
        "layout",
        1,
    ),
    (
        46,
        "btc",
        "Quyết định",
        "2100",
        "",
        "2024-09-25",
        "Về việc giao dự toán thu, chi ngân sách nhà nước năm 2025",
        "KT. BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "Nguyễn Đức Chi",
        "",
        "layout",
        0,
    ),
    (
        47,
        "sdl",
        "Kế hoạch",
        "154",
        "",
        "2024-01-30",
        "Tổ chức các hoạt động kích cầu du lịch năm 2024",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Trần Thị Ngọc Ánh",
        "",
        "flow",
        1,
    ),
    (
        48,
        "ct",
        "Công văn",
        "3456",
        "TTHT",
        "2024-06-11",
        "Giải đáp chính sách thuế giá trị gia tăng đối với dịch vụ lưu trú",
        "KT. CỤC TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
        "Lê Quang Huy",
        "",
        "flow",
        0,
    ),
    (
        49,
        "py",
        "Công văn",
        "5210",
        "KT",
        "2024-08-21",
        "Phối hợp quản lý tuyến đường ven biển giáp ranh hai tỉnh",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "Nguyễn Thị Hoa",
        "",
        "layout",
        0,
    ),
    (
        50,
        "vh",
        "Thông báo",
        "31",
        "",
        "2024-07-01",
        "Lịch tiếp công dân của Chủ tịch Ủy ban nhân dân phường tháng 7 năm 2024",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lý Thị Thu",
        "",
        "layout",
        1,
    ),
    (
        51,
        "stp",
        "Quyết định",
        "188",
        "",
        "2024-05-15",
        "Về việc cấp phép hoạt động cho Văn phòng công chứng Hòa Bình",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Trần Quốc Việt",
        "",
        "flow",
        0,
    ),
    (
        52,
        "bqlvp",
        "Thông báo",
        "77",
        "",
        "2024-10-30",
        "Thu hồi chủ trương đầu tư dự án khu du lịch sinh thái Ninh Vân",
        "",
        "TRƯỞNG BAN",
        "Nguyễn Đình Tuấn",
        "",
        "layout",
        1,
    ),
    (
        53,
        "bnv",
        "Quyết định",
        "1009",
        "",
        "2024-11-19",
        "Về việc ban hành Kế hoạch kiểm tra công tác văn thư, lưu trữ năm 2025",
        "KT. BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "Vũ Chiến Thắng",
        "",
        "flow",
        1,
    ),
    (
        54,
        "snn",
        "Báo cáo",
        "520",
        "",
        "2024-12-26",
        "Kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2024",
        "",
        "GIÁM ĐỐC",
        "Hoàng Văn Hải",
        "",
        "layout",
        0,
    ),
    (
        55,
        "nttt",
        "Kế hoạch",
        "2345",
        "",
        "2024-02-27",
        "Ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước năm 2024",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Ánh Dương",
        "",
        "flow",
        0,
    ),
    (
        56,
        "ubt",
        "Công điện",
        "03",
        "",
        "2024-10-25",
        "Về việc chủ động ứng phó với mưa lũ trên địa bàn tỉnh",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Tấn Tuân",
        "hoa toc",
        "layout",
        1,
    ),
    (
        57,
        "sgd",
        "Công văn",
        "2011",
        "GDTrH",
        "2024-09-05",
        "Hướng dẫn thực hiện nhiệm vụ giáo dục trung học năm học 2024 - 2025",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Phan Thị Hồng Nhung",
        "",
        "flow",
        1,
    ),
    (
        58,
        "cl",
        "Quyết định",
        "4410",
        "",
        "2024-07-30",
        "Về việc phê duyệt phương án bồi thường, hỗ trợ và tái định cư",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Thọ",
        "",
        "layout",
        0,
    ),
    # Rendered to a PDF page, rasterised as a skewed, noisy grey scan and read by Tesseract (vie).
    (
        59,
        "stc",
        "Công văn",
        "3120",
        "HCSN",
        "2024-08-14",
        "Hướng dẫn quyết toán kinh phí chuyển đổi số năm 2024",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đỗ Thị Mai",
        "",
        "scan",
        0,
    ),
    (
        60,
        "ubt",
        "Quyết định",
        "2890",
        "",
        "2024-11-05",
        "Về việc phê duyệt danh mục dữ liệu mở của tỉnh Khánh Hòa",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Hữu Hoàng",
        "",
        "scan",
        0,
    ),
    (
        61,
        "syt",
        "Thông báo",
        "612",
        "",
        "2024-07-19",
        "Kết quả kiểm tra công tác phòng, chống dịch tại các cơ sở y tế",
        "TL. GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "Đặng Minh Tâm",
        "khan",
        "scan",
        0,
    ),
    (
        62,
        "cl",
        "Tờ trình",
        "98",
        "",
        "2024-05-08",
        "Về việc đề nghị hỗ trợ kinh phí khắc phục hậu quả hạn hán",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Ngọc Thạch",
        "",
        "scan",
        0,
    ),
    (
        63,
        "btttt",
        "Công văn",
        "4410",
        "THH",
        "2024-10-09",
        "Hướng dẫn bảo đảm an toàn thông tin cho hệ thống quản lý văn bản",
        "KT. BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "Phạm Đức Long",
        "thuong khan",
        "scan",
        0,
    ),
    (
        64,
        "sgd",
        "Giấy mời",
        "215",
        "",
        "2024-09-23",
        "Dự lễ khai giảng năm học mới 2024 - 2025",
        "TL. GIÁM ĐỐC",
        "CHÁNH VĂN PHÒNG",
        "Trần Văn Hiếu",
        "",
        "scan",
        0,
    ),
    (
        65,
        "nh",
        "Báo cáo",
        "402",
        "",
        "2024-12-12",
        "Kết quả thực hiện nhiệm vụ năm 2024 của thị xã Ninh Hòa",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Đinh Văn Thiệu",
        "",
        "scan",
        0,
    ),
    (
        66,
        "hdt",
        "Nghị quyết",
        "21",
        "2024",
        "2024-12-10",
        "Quy định mức thu phí thẩm định cấp giấy phép xây dựng trên địa bàn tỉnh",
        "",
        "CHỦ TỊCH",
        "Nguyễn Khắc Toàn",
        "",
        "scan",
        0,
    ),
    (
        67,
        "snv",
        "Kế hoạch",
        "301",
        "",
        "2024-03-04",
        "Kiểm tra công tác văn thư, lưu trữ năm 2024",
        "",
        "GIÁM ĐỐC",
        "Lê Thị Ánh Tuyết",
        "",
        "scan",
        0,
    ),
    (
        68,
        "vh",
        "Công văn",
        "87",
        "VP",
        "2024-06-06",
        "Đăng ký lịch sử dụng hội trường tháng 6 năm 2024",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Phạm Thị Lan",
        "",
        "scan",
        0,
    ),
]

ABBREVIATION = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Thông báo": "TB",
    "Kế hoạch": "KH",
    "Báo cáo": "BC",
    "Tờ trình": "TTr",
    "Giấy mời": "GM",
    "Công điện": "CĐ",
}
URGENCY = {"": "normal", "khan": "urgent", "thuong khan": "very_urgent", "hoa toc": "flash"}
STAMP = {"khan": "KHẨN", "thuong khan": "THƯỢNG KHẨN", "hoa toc": "HỎA TỐC"}
BODY = {
    "Quyết định": [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
        "Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông tại Tờ trình số 45/TTr-STTTT.",
        "QUYẾT ĐỊNH:",
        "Điều 1. Phê duyệt nội dung kèm theo Quyết định này.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "Điều 3. Chánh Văn phòng và Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
    ],
    "Nghị quyết": [
        "KHÓA VII, KỲ HỌP THỨ 15",
        "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;",
        "Xét Tờ trình số 102/TTr-UBND ngày 20 tháng 6 năm 2024 của Ủy ban nhân dân tỉnh;",
        "QUYẾT NGHỊ:",
        "Điều 1. Thông qua nội dung quy định kèm theo Nghị quyết này.",
        "Điều 2. Nghị quyết này có hiệu lực từ ngày 01 tháng 8 năm 2024./.",
    ],
}
GENERIC_BODY = [
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Công văn số 1021/UBND-KT ngày 12/3/2024,",
    "cơ quan đề nghị các đơn vị khẩn trương triển khai thực hiện các nội dung sau:",
    "1. Rà soát, tổng hợp số liệu và báo cáo trước ngày 30 tháng 4 năm 2024.",
    "2. Phân công cán bộ đầu mối phối hợp thực hiện.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời./.",
]
RECIPIENTS = ["Nơi nhận:", "- Như trên;", "- Lãnh đạo cơ quan;", "- Lưu: VT, TH."]
ADDRESSEES = ["Kính gửi:", "- Các sở, ban, ngành;", "- UBND các huyện, thị xã, thành phố."]


def vn_date(iso: str, place: str, rng: random.Random) -> str:
    year, month, day = iso.split("-")
    month_text = str(int(month)) if int(month) >= 3 else month
    return f"{place}, ngày {day} tháng {month_text} năm {year}"


def notation_of(doc: tuple, abbreviation: str) -> str:
    _id, _agency, kind, _number, suffix = doc[:5]
    if kind == "Công văn":
        return f"{abbreviation}-{suffix}"
    type_abbr = ABBREVIATION[kind]
    if kind == "Nghị quyết":
        return f"{suffix}/{type_abbr}-{abbreviation}"
    return f"{type_abbr}-{abbreviation}"


def build(doc: tuple, rng: random.Random) -> tuple[str, dict]:
    (
        ident,
        agency_key,
        kind,
        number,
        _suffix,
        iso,
        summary,
        competence,
        position,
        signer,
        urgency,
        layout,
        noise,
    ) = doc
    header, place, abbreviation, label_name = AGENCIES[agency_key]
    notation = notation_of(doc, abbreviation)
    date_line = vn_date(iso, place, rng)
    if ident % 5 == 0 and layout == "flow":
        date_line = f"{place}, {iso[8:]}/{iso[5:7]}/{iso[:4]}"
    number_line = f"Số: {number}/{notation}"
    motto = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    left = [*header, "—————", number_line]
    if kind == "Công văn":
        words = ("V/v " + summary).split()
        lines, current = [], ""
        for word in words:
            if len(current) + len(word) > 34:
                lines.append(current)
                current = word
            else:
                current = (current + " " + word).strip()
        lines.append(current)
        left += lines
    right = [*motto, "———————————", "", date_line]
    title: list[str] = []
    if kind != "Công văn":
        title = [kind.upper()]
        if len(summary) > 60 and ident % 2:
            cut = summary.rfind(" ", 0, 55)
            title += [summary[:cut], summary[cut + 1 :]]
        else:
            title += [summary]
        title.append("———")
        if kind in ("Quyết định", "Chỉ thị", "Công điện") and "ỦY BAN" in " ".join(header):
            place_upper = header[-1]
            title.append(f"{'CHỦ TỊCH ' if kind != 'Chỉ thị' else ''}ỦY BAN NHÂN DÂN {place_upper}")
        elif kind == "Quyết định":
            head = "BỘ TRƯỞNG" if label_name.startswith("Bộ") else "GIÁM ĐỐC"
            title.append(f"{head} {label_name.upper()}")
        elif kind == "Nghị quyết":
            title.append("HỘI ĐỒNG NHÂN DÂN TỈNH KHÁNH HÒA")
    body = BODY.get(kind, GENERIC_BODY)
    if kind == "Công văn":
        body = [*ADDRESSEES, "", *GENERIC_BODY]
    if kind in ("Tờ trình", "Báo cáo") and ident % 2:
        body = ["Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa.", "", *GENERIC_BODY]
    sign = [competence] if competence else []
    sign += [position, "", rng.choice(["(Đã ký)", "", "(Ký, đóng dấu)", "Đã ký"]), "", signer]
    stamp = STAMP.get(urgency)
    out: list[str] = []
    if layout == "scan":
        text = scan_and_ocr(left, right, title, body, sign, stamp, ident)
    elif layout == "layout":
        width = 44
        rows = max(len(left), len(right))
        for index in range(rows):
            a = left[index] if index < len(left) else ""
            b = right[index] if index < len(right) else ""
            out.append((a.center(width) if a else " " * width) + "   " + b.center(50))
        if stamp:
            out.insert(len(left), f"    {stamp}")
        out.append("")
        for line in title:
            out.append(line.center(94))
        out.append("")
        out += ["        " + line for line in body]
        out.append("")
        rows = max(len(RECIPIENTS), len(sign))
        for index in range(rows):
            a = RECIPIENTS[index] if index < len(RECIPIENTS) else ""
            b = sign[index] if index < len(sign) else ""
            out.append(a.ljust(44) + "   " + b.center(44))
    else:
        rowwise = ident % 3 == 0
        if rowwise:
            out += header + motto + [number_line] + left[len(header) + 2 :] + [date_line]
        else:
            out += left + motto + [date_line]
        if stamp:
            out.insert(0 if ident % 2 else len(out), stamp)
        out.append("")
        out += title
        out.append("")
        out += body
        out.append("")
        if ident % 2:
            out += [*RECIPIENTS, "", *sign]
        else:
            out += [*sign, "", *RECIPIENTS]
    if layout != "scan":
        text = "\n".join(line.rstrip() for line in out) + "\n"
    if noise:
        text = ocr_noise(text, random.Random(SEED * 1000 + ident))
    labels = {
        "sender_name": label_name,
        "number": number,
        "notation": notation,
        "document_date": iso,
        "document_type": kind,
        "summary": summary,
        "signer_name": signer,
        "signer_position": position,
        "urgency": URGENCY[urgency],
        "layout": "pdf-scan-tesseract"
        if layout == "scan"
        else layout + ("+ocr-noise" if noise else ""),
    }
    return text, labels


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def scan_and_ocr(left, right, title, body, sign, stamp, ident) -> str:
    """Print the document on an A4 page, scan it badly, and return what Tesseract reads.

    reportlab draws the NĐ 30 layout (two header columns, centred title, body, "Nơi nhận" left
    and the signature right); pdftoppm rasterises it at 200 dpi in grey; the page is rotated by
    up to ±1.2°, blurred a little and sprinkled with specks (seeded); `tesseract -l vie` reads it.
    """
    import io
    import subprocess
    import tempfile
    import textwrap

    from PIL import Image, ImageFilter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    pdfmetrics.registerFont(TTFont("DejaVuBold", FONT_BOLD))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for index in range(max(len(left), len(right))):
        if index < len(left) and left[index]:
            page.setFont("DejaVuBold" if index < len(left) - 1 else "DejaVu", 10)
            page.drawCentredString(150, y, left[index])
        if index < len(right) and right[index]:
            page.setFont("DejaVuBold" if index == 0 else "DejaVu", 10)
            page.drawCentredString(420, y, right[index])
        y -= 14
    if stamp:
        page.setFont("DejaVuBold", 11)
        page.drawString(80, y, stamp)
        y -= 16
    y -= 12
    for index, line in enumerate(title):
        page.setFont("DejaVuBold", 13 if index == 0 else 11)
        page.drawCentredString(297, y, line)
        y -= 16
    y -= 8
    page.setFont("DejaVu", 10)
    for paragraph in body:
        for line in textwrap.wrap(paragraph, 95) or [""]:
            page.drawString(60, y, line)
            y -= 13
    y -= 16
    for index in range(max(len(RECIPIENTS), len(sign))):
        if index < len(RECIPIENTS):
            page.setFont("DejaVu", 9)
            page.drawString(60, y, RECIPIENTS[index])
        if index < len(sign) and sign[index]:
            page.setFont("DejaVuBold", 10)
            page.drawCentredString(420, y, sign[index])
        y -= 14
    page.showPage()
    page.save()
    rng = random.Random(SEED * 7 + ident)
    with tempfile.TemporaryDirectory() as scratch:
        pdf = Path(scratch) / "page.pdf"
        pdf.write_bytes(buffer.getvalue())
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "200",
                "-gray",
                "-png",
                "-singlefile",
                str(pdf),
                str(Path(scratch) / "page"),
            ],
            check=True,
        )
        image = Image.open(Path(scratch) / "page.png").convert("L")
        image = image.rotate(rng.uniform(-1.2, 1.2), fillcolor=255, expand=False)
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
        pixels = image.load()
        width, height = image.size
        for _ in range(4000):
            pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 90, 160))
        scan = Path(scratch) / "scan.png"
        image.save(scan, dpi=(200, 200))
        result = subprocess.run(
            ["tesseract", str(scan), "stdout", "-l", "vie"],
            check=True,
            capture_output=True,
            text=True,
        )
    return unicodedata.normalize("NFC", result.stdout)


def strip_marks(word: str) -> str:
    word = word.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def ocr_noise(text: str, rng: random.Random) -> str:
    """Degrade text the way Tesseract does on a poor scan (documented in README.md).

    Per word: 12% lose every diacritic, 5% lose only the tone mark; per digit 4% read as a
    look-alike letter (0→O, 1→l); per line 6% broken in two at a space, 4% get a stray "|"
    or "." at the end; column gaps of layout text shrink or grow by a few spaces.
    """
    out_lines: list[str] = []
    for line in text.split("\n"):
        words = line.split(" ")
        new_words = []
        for word in words:
            roll = rng.random()
            if word and roll < 0.12:
                word = strip_marks(word)
            elif word and roll < 0.17:
                decomposed = unicodedata.normalize("NFD", word)
                tones = "\u0300\u0301\u0303\u0309\u0323"
                word = unicodedata.normalize(
                    "NFC", "".join(c for c in decomposed if c not in tones)
                )
            chars = []
            for char in word:
                if char == "0" and rng.random() < 0.04:
                    char = "O"
                elif char == "1" and rng.random() < 0.04:
                    char = "l"
                chars.append(char)
            new_words.append("".join(chars))
        line = " ".join(new_words)
        if rng.random() < 0.06 and len(line.strip()) > 30:
            stripped = line.strip()
            cut = stripped.find(" ", len(stripped) // 2)
            if cut > 0:
                out_lines.append(stripped[:cut])
                line = stripped[cut + 1 :]
        if rng.random() < 0.04 and line.strip():
            line += rng.choice([" |", " .", "'"])
        out_lines.append(line)
    return "\n".join(out_lines)


def main() -> None:
    rng = random.Random(SEED)
    ids = [doc[0] for doc in DOCS]
    written = [i for i in ids if i <= 58]
    scanned = [i for i in ids if i > 58]
    # Two draws, so adding the scanned documents left the first split as it was.
    held_out = set(random.Random(SEED + 1).sample(written, len(written) // 2))
    held_out |= set(random.Random(SEED + 2).sample(scanned, len(scanned) // 2))
    labels: dict[str, dict] = {}
    for doc in DOCS:
        text, label = build(doc, rng)
        name = f"{doc[0]:02d}"
        (HERE / f"{name}.txt").write_text(text, encoding="utf-8")
        label["split"] = "heldout" if doc[0] in held_out else "dev"
        labels[name] = label
    (HERE / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
