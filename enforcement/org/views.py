from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import workqueue
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """The work queue (待办): what waits for this user, by time left. Domain apps fill it."""
    return render(request, "home.html", {"work_items": workqueue.items_for(request.user)})
