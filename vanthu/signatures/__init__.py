"""PDF signatures: test PKI, PKCS#11 keys, PAdES signing (NĐ 30/2020), RFC 3161, validation.

A pure library (no Django models); the Django app built on it persists keys, reports and
signed revisions. Import from the submodules: ``pki``, ``tokens``, ``signing``, ``tsa``,
``validation``.
"""
