"""OCR of the seed regulation rendered as a scan: character accuracy and pages per minute.

Run: uv run python -m bench.ocr [--pages N] [--dpi 300]
Renders ../shared/seed/QD-22-2017-UBND-KhanhHoa.txt in DejaVu Serif 12 pt on A4 pages at
300 dpi, makes each page look scanned (a slight rotation, blur, salt-and-pepper noise, bilevel),
assembles an image-only PDF and runs it through `vanthu.texts.ocr.ocr_pdf` (OCRmyPDF, Tesseract
`vie`, deskew, PDF/A output). Character accuracy is 1 - CER: the Levenshtein distance between
the rendered text and the OCR text, both NFC with white space collapsed, over the rendered
length. Pages per minute count the whole ocr_pdf call (rasterising, OCR, PDF/A).
"""

from __future__ import annotations

import argparse
import os
import time

from vanthu.texts.ocr import ocr_pdf
from vanthu.texts.tests import samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()
    pages = samples.wrap_pages(samples.seed_lines(), dpi=args.dpi)
    if args.pages:
        pages = pages[: args.pages]
    started = time.perf_counter()
    pdf = samples.scan_pdf(samples.scanned_pages(pages, dpi=args.dpi), dpi=args.dpi)
    rendered = time.perf_counter() - started
    stamps: list[tuple[int, float]] = []
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = ocr_pdf(pdf, on_page=lambda done, total: stamps.append((done, time.perf_counter())))
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    reference = "\n".join("\n".join(page) for page in pages)
    ref, hyp = samples.normalise(reference), samples.normalise(result.text)
    distance = samples.edit_distance(ref, hyp)
    accuracy = 1 - distance / len(ref)
    print(f"pages: {len(pages)} ({len(pdf) / 1e6:.1f} MB scan PDF, rendered in {rendered:.1f} s)")
    print(f"characters: {len(ref)} rendered, {len(hyp)} read, {distance} edits")
    print(f"character accuracy (1 - CER): {accuracy:.2%}")
    print(f"ocr_pdf: {elapsed:.1f} s = {len(pages) / elapsed * 60:.1f} pages/minute")
    print(f"cores: {os.cpu_count()}, load average {load_before:.1f} before, {load_after:.1f} after")


if __name__ == "__main__":
    main()
