"""The public page and feed of published penalty decisions (行政处罚决定公开, Art. 48): no login; only what
`publication.redacted_party` lets out."""

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .publication import public_decisions

PAGE_SIZE = 20


def decision_list(request):
    page = Paginator(public_decisions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "penalties/public/list.html", {"page": page})


def decision_detail(request, pk):
    publication = get_object_or_404(public_decisions(), pk=pk)
    return render(
        request, "penalties/public/detail.html", {"publication": publication, "v": publication.values}
    )


class DecisionFeed(Feed):
    title = _("Published administrative penalty decisions")
    description = _("Penalty decisions published under the Administrative Penalty Law, Art. 48")

    def link(self):
        return reverse("public-decisions:list")

    def items(self):
        return public_decisions()[:50]

    def item_title(self, item):
        return f"{item.values.get('decision_number', '')} {item.values.get('party', {}).get('name', '')}"

    def item_description(self, item):
        penalties = "；".join(
            f"{p['label']}{(' ' + p['amount'] + ' 元') if p.get('amount') else ''}"
            for p in item.values.get("penalties", [])
        )
        return f"{item.values.get('category', '')}：{penalties}"

    def item_pubdate(self, item):
        return item.published_at


app_name = "public-decisions"
urlpatterns = [
    path("", decision_list, name="list"),
    path("feed/", DecisionFeed(), name="feed"),
    path("<int:pk>/", decision_detail, name="detail"),
]
