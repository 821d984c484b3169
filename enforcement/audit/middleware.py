from .context import reset_source, set_source


class AuditSourceMiddleware:
    """Marks every change made during a request as coming from the API or the browser UI."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_source("api" if request.path.startswith(("/api/", "/open311/")) else "ui")
        try:
            return self.get_response(request)
        finally:
            reset_source(token)
