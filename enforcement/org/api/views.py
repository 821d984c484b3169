from django.utils.translation import gettext as _
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

from ..auth import is_locked
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
    """POST username and password, get the API token. Repeated failures lock the account like the
    browser login does."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses=TokenResponseSerializer)
    def post(self, request):
        if is_locked(request.data.get("username")):
            return Response(
                {"detail": _("Too many failed logins: this account is locked for a while. Try again later.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
