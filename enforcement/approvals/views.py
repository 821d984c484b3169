"""The approver's inbox page (待审批): what waits for the signed-in user's decision, oldest deadline first.
The decision itself is taken on the record's own page, where its facts are."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from enforcement.replicas import replica_reads

from . import services
from .forms import InboxFilterForm

PAGE_SIZE = 25


@login_required
@replica_reads
def inbox(request):
    form = InboxFilterForm(request.GET or None, user=request.user)
    args = form.inbox_args() if form.is_bound else {}
    page = Paginator(services.inbox_for(request.user, **args), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/inbox.html",
        {
            "form": form,
            "page_obj": page,
            "entries": page.object_list,
            "decides_any": services.can_use_inbox(request.user),
        },
    )
