"""Agency identifiers (mã định danh) of QCVN 102:2016 and QĐ 20/2020; pure, no Django models."""

from __future__ import annotations

import re
from dataclasses import dataclass

# QCVN 102:2016 / TT 01/2018 Điều 19: V1V2V3.Z1Z2.Y1Y2.MX1X2, read right to left.
_QCVN102 = re.compile(
    r"^(?P<l4>[0-9]{3})\.(?P<l3>[0-9]{2})\.(?P<l2>[0-9]{2})\.(?P<l1>[A-Z][0-9]{2})$"
)
# QĐ 20/2020/QĐ-TTg: groups growing left to right, first MX1X2 (M in A..Y), at most 35 chars.
_QD20 = re.compile(r"^[A-Y][0-9]{2}(\.[0-9A-Z]+)*$")


class IdentifierError(ValueError):
    """The identifier does not have the form the standard prescribes."""


@dataclass(frozen=True, slots=True)
class AgencyIdentifier:
    """A parsed QCVN 102 identifier: level 1 (e.g. H34) down to level 4 ("000" = none)."""

    level1: str
    level2: str
    level3: str
    level4: str

    def __str__(self) -> str:
        return f"{self.level4}.{self.level3}.{self.level2}.{self.level1}"

    @property
    def depth(self) -> int:
        """Return 1 for a level-1 body itself, 2..4 for subordinate levels."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1


def parse_identifier(value: str) -> AgencyIdentifier:
    """Parse and validate a QCVN 102 identifier such as `000.00.12.H34`."""
    match = _QCVN102.fullmatch(value.strip())
    if not match:
        raise IdentifierError(
            "Mã định danh phải có dạng 000.00.00.A00 (QCVN 102:2016), ví dụ 000.00.12.H34."
        )
    ident = AgencyIdentifier(match["l1"], match["l2"], match["l3"], match["l4"])
    if ident.level1[0] == "Z":
        raise IdentifierError("Chữ cái cấp 1 của mã định danh phải từ A đến Y.")
    # A lower level cannot be set while the level above it is "00": the code would skip a level.
    if ident.level3 != "00" and ident.level2 == "00":
        raise IdentifierError("Mã định danh có cấp 3 nhưng thiếu cấp 2.")
    if ident.level4 != "000" and ident.level3 == "00":
        raise IdentifierError("Mã định danh có cấp 4 nhưng thiếu cấp 3.")
    return ident


def validate_qd20_code(value: str) -> str:
    """Validate an electronic identifier of QĐ 20/2020 (e.g. `H34.12`); return it."""
    if len(value) > 35 or not _QD20.fullmatch(value):
        raise IdentifierError(
            "Mã định danh điện tử (QĐ 20/2020) gồm chữ in hoa, chữ số và dấu chấm, "
            "bắt đầu bằng mã cấp 1 (ví dụ H34.12), tối đa 35 ký tự."
        )
    return value
