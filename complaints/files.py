"""Attachment checks: the type is read from the file's first bytes (magic numbers), never from its name or
the browser's claim, so an executable renamed .jpg is refused; the size is capped by a setting."""

from django.conf import settings

from .choices import AttachmentKind

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Multipart overhead allowed on top of the file itself before a request is refused unread.
REQUEST_OVERHEAD_BYTES = 256 * 1024
HEAD_BYTES = 32


def max_attachment_bytes():
    return int(getattr(settings, "COMPLAINT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_request_bytes(files=1):
    return max_attachment_bytes() * files + REQUEST_OVERHEAD_BYTES


def sniff(head):
    """(kind, content type) of a file from its first bytes, or None when it is not an accepted type."""
    if head.startswith(b"\xff\xd8\xff"):
        return AttachmentKind.PHOTO, "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentKind.PHOTO, "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return AttachmentKind.PHOTO, "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return AttachmentKind.PHOTO, "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return AttachmentKind.AUDIO, "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heis"):
            return AttachmentKind.PHOTO, "image/heic"
        if brand in (b"M4A ", b"M4B "):
            return AttachmentKind.AUDIO, "audio/mp4"
        return None
    if head.startswith(b"%PDF-"):
        return AttachmentKind.PDF, "application/pdf"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return AttachmentKind.AUDIO, "audio/mpeg"
    if head.startswith(b"#!AMR"):
        return AttachmentKind.AUDIO, "audio/amr"
    if head.startswith(b"OggS"):
        return AttachmentKind.AUDIO, "audio/ogg"
    return None
