from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from enforcement.viewsets import ScopedModelViewSet

from ..auth import ADDRESS_BLOCKED_MESSAGE, LOCKED_MESSAGE, address_blocked_until, client_address, is_locked
from ..models import Grid, OrgUnit, User
from .filtersets import GridFilterSet, OrgUnitFilterSet, UserFilterSet
from .serializers import GridSerializer, OrgUnitSerializer, UserSerializer


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


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(APIView):
    """POST username and password, get the API token. Repeated failures lock the account, and many from
    one address block the address (429), like the browser login does (enforcement/org/auth.py)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses=TokenResponseSerializer)
    def post(self, request):
        # The per-address limit first (enforcement/org/auth.py): a blocked address learns nothing of a username.
        blocked_until = address_blocked_until(client_address(request))
        if blocked_until is not None:
            seconds = max(1, int((blocked_until - timezone.now()).total_seconds()) + 1)
            return Response({"detail": str(ADDRESS_BLOCKED_MESSAGE)}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(seconds)})
        username = request.data.get("username") if hasattr(request.data, "get") else None  # a JSON list has none
        if isinstance(username, str) and is_locked(username):  # anything else is the serializer's 400
            return Response({"detail": str(LOCKED_MESSAGE)}, status=status.HTTP_403_FORBIDDEN)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
