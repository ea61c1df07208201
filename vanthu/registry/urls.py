"""URLs of the register pages (namespace registry), under /van-ban/."""

from django.urls import URLPattern, URLResolver, include, path

from vanthu.registry.views import catalogue, catalogue_registers, incoming, outgoing

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    path("den/", incoming.incoming_list, name="incoming_list"),
    path("den/vao-so/", incoming.incoming_register, name="incoming_register"),
    path("den/vao-so/tim-noi-gui/", incoming.sender_search, name="incoming_sender_search"),
    path("den/ban-giay/", incoming.paper_copy_search, name="incoming_paper_copy_search"),
    path("den/<int:document_id>/", incoming.incoming_detail, name="incoming_detail"),
    path(
        "den/<int:document_id>/nhan-ban-giay/",
        incoming.paper_copy_record,
        name="incoming_paper_copy_record",
    ),
    path("tep/<int:file_id>/", incoming.document_file, name="document_file"),
    path("di/", outgoing.outgoing_list, name="outgoing_list"),
    path("di/them/", outgoing.outgoing_create, name="outgoing_create"),
    path("di/them/tim-noi-nhan/", outgoing.recipient_search, name="outgoing_recipient_search"),
    path("di/<int:document_id>/", outgoing.outgoing_detail, name="outgoing_detail"),
    path("di/<int:document_id>/phat-hanh/", outgoing.outgoing_issue, name="outgoing_issue"),
    path("di/<int:document_id>/da-gui/", outgoing.outgoing_mark_sent, name="outgoing_mark_sent"),
    path("di/<int:document_id>/tep/", outgoing.outgoing_files_add, name="outgoing_files_add"),
    path("di/<int:document_id>/thu-hoi/", outgoing.outgoing_revoke, name="outgoing_revoke"),
    path("di/gui-ban-giay/", outgoing.paper_dispatch_list, name="outgoing_paper_dispatch_list"),
    path(
        "di/gui-ban-giay/<int:task_id>/xong/",
        outgoing.paper_dispatch_complete,
        name="outgoing_paper_dispatch_complete",
    ),
    # The catalogues: registers, subject areas and the exchange policy of Điều 4 and 5.
    path("danh-muc/so/", catalogue_registers.catalogue_registers, name="catalogue_registers"),
    path(
        "danh-muc/so/<int:register_id>/",
        catalogue_registers.catalogue_register_edit,
        name="catalogue_register_edit",
    ),
    path("danh-muc/linh-vuc/", catalogue.catalogue_fields, name="catalogue_fields"),
    path(
        "danh-muc/linh-vuc/<int:field_id>/",
        catalogue.catalogue_field_edit,
        name="catalogue_field_edit",
    ),
    path("danh-muc/trao-doi/", catalogue.catalogue_policy, name="catalogue_policy"),
    path(
        "danh-muc/trao-doi/<int:rule_id>/",
        catalogue.catalogue_policy_rule_edit,
        name="catalogue_policy_rule_edit",
    ),
    path(
        "danh-muc/trao-doi/<int:rule_id>/xoa/",
        catalogue.catalogue_policy_rule_delete,
        name="catalogue_policy_rule_delete",
    ),
    # The printable register books (PDF, XLSX), NĐ 30/2020 Phụ lục IV.
    path("in-so/", include("vanthu.registry.printout_urls")),
]
