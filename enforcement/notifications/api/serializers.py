from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True)
    kind = serializers.CharField(source="reminder.kind", read_only=True, default=None)
    due_at = serializers.DateTimeField(source="reminder.due_at", read_only=True, default=None)
    text = serializers.CharField(read_only=True, help_text="The message, in the language of the request.")

    class Meta:
        model = Notification
        fields = [
            "id",
            "level",
            "level_display",
            "kind",
            "title",
            "text",
            "url",
            "due_at",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class MarkAllReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()
