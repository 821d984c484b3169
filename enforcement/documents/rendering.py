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


# A line in each of the paper's fonts (_paper.css: the serif body, the sans-serif title).
WARM_UP_HTML = (
    "<html><head><style>{css}</style></head><body>"
    '<h1 class="paper-title">行政处罚决定书</h1><p>当事人：城管执法〔2026〕1号</p></body></html>'
)


def warm_up():
    """Renders a line of the paper's two fonts and returns its PDF's size: the import of WeasyPrint and the
    loading of the CJK fonts (about 1 s on the 2-core machine) are paid here, at a worker's start
    (enforcement/documents/tasks.py), not by the first document it renders."""
    css = render_to_string("documents/_paper.css")
    return len(render_pdf(WARM_UP_HTML.format(css=css)))


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def paper_date(moment):
    """A moment as a paper writes its day: 2026年12月1日 (local date); "" for none."""
    from django.utils import timezone

    if not moment:
        return ""
    day = timezone.localdate(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def paper_moment(moment):
    """A moment with its time: 2026年12月1日09:30 (local); "" for none."""
    from django.utils import timezone

    if not moment:
        return ""
    return f"{paper_date(moment)}{timezone.localtime(moment):%H:%M}"
