"""Signature benchmark: validating a typical signed 2-page PDF, and signing with SoftHSM2.

Targets (issue 4): validation median under 50 ms; signing with a SoftHSM2 key under 200 ms.

    uv run python -m bench.signatures                  # 50 iterations of each
    uv run python -m bench.signatures --iterations 200 --json out.json

Set-up (not timed): a test PKI and a SoftHSM2 token in a temporary directory (own
SOFTHSM2_CONF), keys generated on the token for a leader and the agency, a 2-page A4 PDF with
Vietnamese text. The typical document is the one the system issues: the leader's visible
signature (image, position, name) then the agency's (seal, number, time).

Timed:
* ``validate``: ``pdf_validate`` of that 2-signature PDF with the test root and its CRL
  (integrity, coverage and diff analysis, chain, revocation of both signatures);
* ``sign_signer``: ``open_signer`` (PKCS#11 session, login, certificate lookup) plus
  ``sign_as_signer`` with the signature image, on the unsigned draft, then closing;
* ``sign_agency``: the same for ``sign_as_agency`` with the seal over the signed draft.

Results are recorded in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_VALIDATE_MS = 50.0
TARGET_SIGN_MS = 200.0


def _pdf(pages: int) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(pages):
        pdf.setFont("DejaVu", 12)
        for line in range(40):
            pdf.drawString(
                72, 780 - line * 17, "Dòng " + str(line + 1) + " của trang " + str(number + 1)
            )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _png(kind: str) -> bytes:
    from PIL import Image, ImageDraw

    if kind == "seal":
        image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse([6, 6, 394, 394], outline=(220, 0, 0, 255), width=14)
    else:
        image = Image.new("RGBA", (500, 200), (0, 0, 0, 0))
        ImageDraw.Draw(image).line([(10, 150), (200, 40), (490, 60)], fill=(0, 0, 200), width=7)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "min_ms": round(ordered[0] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def _time(fn: Callable[[], object], iterations: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return _stats(samples)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF signature validation and signing time.")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vanthu-bench-sig-") as tmp:
        base = Path(tmp)
        conf = base / "softhsm2.conf"
        os.environ["SOFTHSM2_CONF"] = str(conf)  # before the PKCS#11 module is loaded

        from vanthu.signatures.pki import testpki_crl, testpki_load_or_create
        from vanthu.signatures.signing import sign_as_agency, sign_as_signer
        from vanthu.signatures.tokens import (
            SOFTHSM_MODULE,
            TokenKey,
            open_signer,
            softhsm_token_init,
            token_key_generate,
        )
        from vanthu.signatures.validation import pdf_validate

        agency_name = "Sở Thông tin và Truyền thông"
        pki = testpki_load_or_create(base / "pki")
        leader = TokenKey(SOFTHSM_MODULE, "bench-leader", "leader", "123456")
        agency = TokenKey(SOFTHSM_MODULE, "bench-agency", "agency", "123456")
        for key in (leader, agency):
            softhsm_token_init(
                conf_path=conf,
                token_dir=base / "tokens",
                label=key.token_label,
                so_pin="87654321",
                pin=key.pin,
            )
        token_key_generate(
            leader,
            pki=pki,
            common_name="Nguyễn Văn A",
            organization=agency_name,
            title="Giám đốc",
            kind="person",
        )
        token_key_generate(
            agency, pki=pki, common_name=agency_name, organization=agency_name, kind="agency"
        )
        draft = _pdf(2)
        signature_png, seal_png = _png("signature"), _png("seal")

        def sign_signer() -> bytes:
            with open_signer(leader) as signer:
                return sign_as_signer(
                    draft,
                    signer=signer,
                    signer_name="Nguyễn Văn A",
                    signer_title="Giám đốc",
                    signature_image=signature_png,
                )

        signed = sign_signer()

        def sign_agency() -> bytes:
            with open_signer(agency) as signer:
                return sign_as_agency(
                    signed,
                    signer=signer,
                    agency_name=agency_name,
                    seal_image=seal_png,
                    number_notation="123/QĐ-STTTT",
                )

        issued = sign_agency()
        crl = testpki_crl(pki)
        report = pdf_validate(issued, trust_roots=[pki.root_cert], crls=[crl])
        verdicts = [s.verdict for s in report.signatures]
        if verdicts != ["valid", "valid"]:
            raise SystemExit("unexpected verdicts: " + repr(verdicts))

        results = {
            "validate": _time(
                lambda: pdf_validate(issued, trust_roots=[pki.root_cert], crls=[crl]),
                args.iterations,
                args.warmup,
            ),
            "sign_signer": _time(sign_signer, args.iterations, args.warmup),
            "sign_agency": _time(sign_agency, args.iterations, args.warmup),
        }

    load = os.getloadavg()
    summary = {
        "command": "uv run python -m bench.signatures --iterations " + str(args.iterations),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": str(os.cpu_count())
        + " cores (nproc "
        + subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
        + "), "
        + _cpu_model(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in load],
        "data": {
            "draft_bytes": len(draft),
            "signed_bytes": len(signed),
            "issued_bytes": len(issued),
            "crl_bytes": len(crl),
        },
        "results": results,
        "targets_met": {
            "validate_median_under_50ms": results["validate"]["median_ms"] < TARGET_VALIDATE_MS,
            "sign_median_under_200ms": results["sign_signer"]["median_ms"] < TARGET_SIGN_MS
            and results["sign_agency"]["median_ms"] < TARGET_SIGN_MS,
        },
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
