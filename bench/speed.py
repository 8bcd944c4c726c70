"""Speed of the parsing core against the text extractors it could have been built on.

    python -m bench.speed [ROUNDS]

For each one-page text PDF of the corpus, in one run: the full ``parse_document``, pdfplumber's
``extract_words`` alone, and pypdfium2's character extraction with boxes alone. Prints medians and
the ratio of the full parse to each baseline, then the peak memory of parsing a 50-page invoice
(measured in a fresh process, since pdfium allocates outside Python's heap).
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import resource
import statistics
import sys
import time
from collections.abc import Callable

import pdfplumber
import pypdfium2 as pdfium

from app.parsing import parse_document
from bench.corpus import CORPUS, entries


def _pdfplumber_words(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words()


def _pdfium_chars(data: bytes) -> None:
    document = pdfium.PdfDocument(data)
    for page in document:
        textpage = page.get_textpage()
        textpage.get_text_range()
        for index in range(textpage.count_chars()):
            textpage.get_charbox(index)


def _median_ms(function: Callable[[bytes], object], data: bytes, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _fifty_pages() -> bytes:
    source = pdfium.PdfDocument((CORPUS / "docs" / "us-invoice-01.pdf").read_bytes())
    document = pdfium.PdfDocument.new()
    for _ in range(50):
        document.import_pages(source, [0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _peak_rss_mb(data: bytes, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    invoice = parse_document(data, max_pages=50)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((invoice.pages, before / 1024, after / 1024))


def main(rounds: int = 5) -> None:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # it warns about every font it cannot measure
    documents = [e for e in entries("pdf_text") if "multi_page" not in e.tags]
    rows = []
    for entry in documents:
        data = entry.path.read_bytes()
        parse_document(data)  # warm caches and imports
        rows.append(
            (
                entry.name,
                _median_ms(parse_document, data, rounds),
                _median_ms(_pdfplumber_words, data, rounds),
                _median_ms(_pdfium_chars, data, rounds),
            )
        )
    full, plumber, chars = (statistics.median(column) for column in list(zip(*rows, strict=True))[1:])
    print(f"{len(rows)} one-page corpus PDFs, median of {rounds} runs each; medians over documents:")
    print(f"  full parse_document           {full:8.2f} ms")
    print(f"  pdfplumber extract_words      {plumber:8.2f} ms   full parse / this = {full / plumber:.2f}x")
    print(f"  pypdfium2 chars + boxes       {chars:8.2f} ms   full parse / this = {full / chars:.2f}x")
    slowest = max(rows, key=lambda row: row[1])
    print(f"  slowest full parse: {slowest[0]} {slowest[1]:.2f} ms")

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_peak_rss_mb, args=(_fifty_pages(), queue))
    process.start()
    pages, before, after = queue.get(timeout=300)
    process.join()
    print(f"50-page invoice ({pages} pages): peak RSS {after:.0f} MiB (process baseline {before:.0f} MiB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
