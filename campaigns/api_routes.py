"""The campaigns' part of /api/v1/ (collected by enforcement/api.py from every installed app)."""

from .api.views import CampaignViewSet, FieldLogViewSet, RectificationItemViewSet

ROUTES = [
    ("campaigns", CampaignViewSet, "campaign"),
    (r"campaigns/(?P<campaign_pk>[^/.]+)/logs", FieldLogViewSet, "campaignlog"),  # any id: a JSON 404
    ("rectifications", RectificationItemViewSet, "rectification"),
]
