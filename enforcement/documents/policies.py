"""The law of service (送达), in one place: when a served document counts as received, from which the
deadlines that run from service (payment within 15 days, a hearing's request, an appeal) count.

- 行政处罚法 Art. 61: a decision is served under the Civil Procedure Law; by fax or e-mail only with the
  party's consent in writing.
- 民事诉讼法 Art. 89: a refusal to sign does not stop service — the document is left at the address, with
  a witness (留置送达), and counts as served.
- 民事诉讼法 Art. 95: service by public notice counts as done 30 days after the notice was published.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from .choices import ServiceMethod

PUBLIC_NOTICE_DAYS = 30  # 民事诉讼法 Art. 95

NEEDS_CONSENT = _(
    "Electronic service needs the person's written consent (Administrative Penalty Law, Art. 61): "
    "say where it is recorded."
)
NEEDS_WITNESS = _(
    "A document left at the address after a refusal needs a witness (Civil Procedure Law, Art. 89)."
)
REFUSAL_LEFT_AT_ADDRESS = _(
    "A refused document is served by leaving it at the address, with a witness: choose "
    "“Left at the address after a refusal” (Civil Procedure Law, Art. 89)."
)


def served_effective_at(method, served_at):
    """The moment a document counts as served: when it was handed over, left, received by post or
    electronically; for a public notice, 30 days after publication (民事诉讼法 Art. 95)."""
    if method == ServiceMethod.PUBLIC_NOTICE:
        return served_at + timedelta(days=PUBLIC_NOTICE_DAYS)
    return served_at


VOID_NEEDS_REASON = _(
    "Give the reason for voiding: it is kept with the document, whose number is not given again."
)
