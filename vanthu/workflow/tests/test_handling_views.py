"""The handling panel and its actions in the interface."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vanthu.registry.choices import IncomingStatus
from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.workflow.choices import AssignmentState
from vanthu.workflow.models import Assignment, Submission

pytestmark = pytest.mark.django_db


def _incoming(cast):
    return IncomingDocumentFactory(agency=cast.agency_a, registered_by=cast.clerk, registered=True)


def _page(client, incoming) -> str:
    return client.get(reverse("registry:incoming_detail", args=[incoming.pk])).content.decode()


def test_from_presenting_to_completion_in_the_pages(client, cast):
    incoming = _incoming(cast)
    # the clerk presents it to the leader
    client.force_login(cast.clerk)
    assert 'id="trinh"' in _page(client, incoming)
    response = client.post(
        reverse("workflow:submit", args=[incoming.pk]), {"leader": cast.leader.pk}, follow=True
    )
    assert "Đã trình lãnh đạo." in response.content.decode()
    submission = Submission.objects.get()
    # the leader sees it in "Việc của tôi" and directs the unit
    client.force_login(cast.leader)
    assert incoming.summary in client.get(reverse("workflow:my_work")).content.decode()
    assert 'id="chi-dao"' in _page(client, incoming)
    response = client.post(
        reverse("workflow:direct", args=[submission.pk]),
        {
            "note": "Phòng BCVT chủ trì.",
            "lead": f"unit:{cast.unit_a.pk}",
            "info": [f"person:{cast.archivist.pk}"],
            "due_working_days": "5",
        },
        follow=True,
    )
    assert "Đã cho ý kiến chỉ đạo" in response.content.decode()
    lead = Assignment.objects.get(role="lead")
    # the unit head passes it to the specialist, who accepts and completes it
    client.force_login(cast.unit_head)
    client.post(
        reverse("workflow:act", args=[lead.pk, "delegate"]),
        {f"a{lead.pk}-target": f"person:{cast.specialist.pk}", f"a{lead.pk}-note": "Em xử lý"},
    )
    child = Assignment.objects.get(parent=lead)
    client.force_login(cast.specialist)
    assert incoming.summary in client.get(reverse("workflow:my_work")).content.decode()
    client.post(reverse("workflow:act", args=[child.pk, "accept"]))
    client.post(reverse("workflow:act", args=[child.pk, "progress"]), {"note": "Đang làm"})
    response = client.post(
        reverse("workflow:act", args=[child.pk, "complete"]),
        {f"a{child.pk}-note": "Đã xử lý xong"},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã hoàn thành xử lý." in page
    assert "Quá trình xử lý" in page
    lead.refresh_from_db()
    incoming.refresh_from_db()
    assert (lead.state, incoming.status) == (AssignmentState.DONE, IncomingStatus.DONE)


def test_refusals_are_messages_and_outsiders_get_404(client, cast):
    incoming = _incoming(cast)
    client.force_login(cast.specialist)
    assert 'id="trinh"' not in _page(client, incoming)
    response = client.post(
        reverse("workflow:submit", args=[incoming.pk]), {"leader": cast.leader.pk}, follow=True
    )
    assert "message--error" in response.content.decode()
    assert not Submission.objects.exists()
    client.force_login(cast.outsider)
    assert (
        client.post(reverse("workflow:submit", args=[incoming.pk]), {"leader": 1}).status_code
        == 404
    )
    assert client.post(reverse("workflow:act", args=[999, "accept"])).status_code == 404
