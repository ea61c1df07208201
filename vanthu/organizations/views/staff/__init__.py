"""The agency administration pages (/co-quan/): units, staff, roles and positions.

Who sees what (the rules themselves live in `permissions.py` and are enforced by the services
and selectors; these pages only map their errors and hide buttons):

* Any person who holds a role in the agency may view its unit tree, a unit, the staff list and
  a colleague's page (contacts, roles): they need them to address and assign work.
* Only the agency's administrators (role `agency_admin`) and system administrators see the
  edit buttons, the forms, locked accounts, inactive units and the journal ("Lịch sử thay
  đổi"), which records sign-in events and network addresses (personal data, NĐ 13/2023).
  Anyone else who opens a form or posts one gets 403 and nothing changes.
* A person of another agency gets 404 for every unit or person page of this agency: the
  selectors report "not found" rather than reveal that the record exists.
* System administrators act for the agency chosen with `?co_quan=<id>` on the list and create
  pages; the pages of one unit or person act for that record's agency.
"""

from vanthu.organizations.views.staff.people import (
    grant_add,
    grant_remove,
    person_create,
    person_detail,
    person_edit,
    person_grant_row,
    person_list,
    person_password,
)
from vanthu.organizations.views.staff.positions import position_list
from vanthu.organizations.views.staff.units import (
    unit_create,
    unit_detail,
    unit_edit,
    unit_list,
)

__all__ = [
    "grant_add",
    "grant_remove",
    "person_create",
    "person_detail",
    "person_edit",
    "person_grant_row",
    "person_list",
    "person_password",
    "position_list",
    "unit_create",
    "unit_detail",
    "unit_edit",
    "unit_list",
]
