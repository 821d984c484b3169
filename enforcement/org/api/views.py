from django.contrib.auth import logout
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from enforcement.viewsets import ScopedModelViewSet

from ..auth import ADDRESS_BLOCKED_MESSAGE, LOCKED_MESSAGE, address_blocked_until, client_address, is_locked
from ..models import Grid, OrgUnit, User
from ..tokens import DEFAULT_DEVICE, SIGNED_OUT, ApiToken, revoke
from .filtersets import GridFilterSet, OrgUnitFilterSet, UserFilterSet
from .serializers import (
    ApiTokenSerializer,
    GridSerializer,
    IssuedTokenSerializer,
    OrgUnitSerializer,
    TokenRequestSerializer,
    UserSerializer,
)


class OrgUnitViewSet(ScopedModelViewSet):
    queryset = OrgUnit.objects.all()
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    ordering_fields = ["path", "code", "name"]


class GridViewSet(ScopedModelViewSet):
    queryset = Grid.objects.select_related("unit")
    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    ordering_fields = ["code", "name"]


class UserViewSet(ScopedModelViewSet):
    queryset = User.objects.select_related("unit").prefetch_related("role_assignments")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ["username", "full_name"]

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"], permission_classes=[])
    def me(self, request):
        if not request.user.is_authenticated:
            return Response(status=status.HTTP_401_UNAUTHORIZED)
        return Response(UserSerializer(request.user, context={"request": request}).data)


class ObtainTokenView(APIView):
    """POST username and password (and the device it is for), get an API token for that device; it
    replaces the device's previous one and expires after API_TOKEN_DAYS (enforcement/org/tokens.py).
    Repeated failures lock the account, and many from one address block the address (429), like the
    browser login does (enforcement/org/auth.py)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer, responses=IssuedTokenSerializer)
    def post(self, request):
        # The per-address limit first (enforcement/org/auth.py): a blocked address learns nothing of a username.
        blocked_until = address_blocked_until(client_address(request))
        if blocked_until is not None:
            seconds = max(1, int((blocked_until - timezone.now()).total_seconds()) + 1)
            return Response(
                {"detail": str(ADDRESS_BLOCKED_MESSAGE)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(seconds)},
            )
        username = (
            request.data.get("username") if hasattr(request.data, "get") else None
        )  # a JSON list has none
        if isinstance(username, str) and is_locked(username):  # anything else is the serializer's 400
            return Response({"detail": str(LOCKED_MESSAGE)}, status=status.HTTP_403_FORBIDDEN)
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = ApiToken.issue(
            serializer.validated_data["user"], serializer.validated_data.get("device") or DEFAULT_DEVICE
        )
        issued = {"token": key, "expires_at": token.expires_at, "device": token.device}
        return Response(IssuedTokenSerializer(issued).data)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own API tokens, one per device (never their keys); DELETE revokes one."""

    serializer_class = ApiTokenSerializer
    pagination_class = None  # a handful of devices
    filter_backends = []

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user.pk)

    def perform_destroy(self, instance):
        revoke(ApiToken.objects.filter(pk=instance.pk), by=self.request.user)


class LogoutView(APIView):
    """Revokes the API token this request was signed with (or ends the browser session that sent it)."""

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Signed out.")})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            revoke(ApiToken.objects.filter(pk=request.auth.pk), by=request.user, verb=SIGNED_OUT)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
