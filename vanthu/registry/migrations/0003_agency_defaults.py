"""Seed the default registers and exchange policy of agencies created before the hook existed.

From now on they are seeded when an agency is created (`vanthu.registry.setup`). Historical
models only: the rules are the decision's lines as they stood when this migration was written.
"""

from django.db import migrations

from vanthu.registry.policy import DEFAULT_RULES
from vanthu.registry.registers import (
    INCOMING_REGISTER,
    LEGAL_NORMATIVE_REGISTERS,
    OUTGOING_REGISTER,
)


def seed(apps, schema_editor):
    Agency = apps.get_model("organizations", "Agency")
    DocumentType = apps.get_model("registry", "DocumentType")
    Register = apps.get_model("registry", "Register")
    Rule = apps.get_model("registry", "ExchangePolicyRule")
    types = {t.code: t for t in DocumentType.objects.all()}
    for agency in Agency.objects.all():
        for kind, name in (("incoming", INCOMING_REGISTER), ("outgoing", OUTGOING_REGISTER)):
            Register.objects.get_or_create(agency=agency, kind=kind, name=name)
        for name, code in LEGAL_NORMATIVE_REGISTERS:
            register, _ = Register.objects.get_or_create(
                agency=agency, kind="outgoing", name=name, defaults={"is_legal_normative": True}
            )
            if code in types:
                register.document_types.add(types[code])
        if Rule.objects.filter(agency=agency).exists():
            continue
        Rule.objects.bulk_create(
            Rule(
                agency=agency,
                priority=priority,
                document_type=types[code] if code else None,
                purpose=str(purpose),
                is_legal_normative=legal,
                is_permanent_retention=permanent,
                mode=str(mode),
                legal_basis=basis,
            )
            for priority, code, purpose, legal, permanent, mode, basis in DEFAULT_RULES
            if code is None or code in types
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_document_types"),
        ("organizations", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
