"""What a file is, read from its first bytes (magic numbers), never from its name or the browser's claim:
an executable renamed .jpg is refused. A photo must also really open as a picture, so a file that merely
starts with a JPEG marker and holds anything else is refused too.

Evidence comes as photos, video and audio recordings (现场照片、视听资料, 《行政处罚法》第四十六条) and
PDF documents; nothing else is accepted."""

import warnings

from PIL import Image

from .choices import FileKind

# Enough for every signature below, including a WebM/Matroska header's DocType.
HEAD_BYTES = 64

# Pillow refuses a picture over twice this many pixels as a possible decompression bomb. Its default
# (refusing above 179 M) would refuse a phone's 200-megapixel photo; a JPEG is decoded here at an eighth of
# its size and other pictures are not decoded at all, so the bound is raised for the whole process.
Image.MAX_IMAGE_PIXELS = 256_000_000

_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VP",
    b"MSNV",
    b"XAVC",
    b"dash",
    b"mmp4",
}
_3GP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gs7", b"3ge6", b"3ge7", b"3gg6"}
_3G2_BRANDS = {b"3g2a", b"3g2b", b"3g2c"}
_HEIC_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"heis", b"hevc", b"hevx"}

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/3gpp": ".3gp",
    "video/3gpp2": ".3g2",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/amr": ".amr",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "application/pdf": ".pdf",
}

# The types Pillow decodes; HEIC is sniffed by its brand only (see `verify_image`).
_DECODABLE = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def sniff(head):
    """(kind, content type) of a file from its first bytes, or None when it is not an accepted type."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.PHOTO, "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PHOTO, "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileKind.PHOTO, "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileKind.PHOTO, "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileKind.AUDIO, "audio/wav"
    if head[4:8] == b"ftyp":
        return _iso_media(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM, or Matroska when its DocType says so
        return FileKind.VIDEO, "video/webm" if b"webm" in head else "video/x-matroska"
    if head.startswith(b"%PDF-"):
        return FileKind.PDF, "application/pdf"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return FileKind.AUDIO, "audio/mpeg"
    if head.startswith(b"#!AMR"):
        return FileKind.AUDIO, "audio/amr"
    if head.startswith(b"OggS"):
        return FileKind.AUDIO, "audio/ogg"
    return None


def _iso_media(brand):
    """ISO base media files (MP4, MOV, 3GP, HEIC, M4A) are told apart by the major brand of their `ftyp`."""
    if brand in _HEIC_BRANDS:
        return FileKind.PHOTO, "image/heic"
    if brand in (b"M4A ", b"M4B "):
        return FileKind.AUDIO, "audio/mp4"
    if brand in _MP4_BRANDS:
        return FileKind.VIDEO, "video/mp4"
    if brand == b"qt  ":
        return FileKind.VIDEO, "video/quicktime"
    if brand in _3GP_BRANDS:
        return FileKind.VIDEO, "video/3gpp"
    if brand in _3G2_BRANDS:
        return FileKind.VIDEO, "video/3gpp2"
    return None


def verify_image(upload, content_type):
    """True when a sniffed photo really opens as a picture. Pillow's `verify()` checks the structure (a PNG's
    checksums, for one); a JPEG's compressed data is only read by decoding, which is done at an eighth of the
    size (every byte read, little memory). HEIC is accepted on its brand alone: Pillow cannot decode it
    without a native plugin (pillow-heif, which bundles libheif and a GPL encoder), and phones' browsers
    hand over JPEG when a page asks for a photo."""
    if content_type not in _DECODABLE:
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format in ("JPEG", "MPO"):
                    image.draft(image.mode, (1, 1))
                    image.load()
    except Exception:  # whatever Pillow raises, this is not a picture it can open
        return False
    finally:
        upload.seek(0)
    return True
