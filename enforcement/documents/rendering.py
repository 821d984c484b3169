"""Rendering a document: the HTML frozen at issue (its style inlined, nothing fetched from outside), and the
PDF made from that frozen HTML by WeasyPrint with the system's Noto CJK fonts. The paper is Chinese
whatever the issuer's language (a legal document is not translated)."""

import gc
import hashlib

from django.template.loader import render_to_string
from django.utils import translation

PAPER_LANGUAGE = "zh-hans"


def render_html(template, context):
    """The document's full HTML page, in the paper's language."""
    with translation.override(PAPER_LANGUAGE):
        return render_to_string(template, context)


def render_pdf(html):
    """The PDF of a frozen HTML page (bytes). Slow enough (a few hundred ms) to be kept off the request path
    (services.schedule_pdf)."""
    from weasyprint import HTML

    data = HTML(string=html).write_pdf()
    # A render leaves ~20 MB of reference cycles (WeasyPrint's boxes) that the automatic collector frees only
    # every few dozen renders: a worker rendering one after another grew to ~1 GB (bench/bench_documents.py).
    gc.collect()  # ~60 ms; the peak then stays under 250 MB
    return data


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()
