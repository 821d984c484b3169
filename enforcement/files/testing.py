"""Small real files for tests: a photo must open as a picture (sniffing.verify_image), so tests cannot use
a few magic bytes followed by zeros."""

import io

from PIL import Image


def jpeg_bytes(size=(8, 8), color=(200, 60, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes(size=(8, 8), color=(40, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def mp4_bytes(brand=b"isom"):
    """The start of an ISO media file: an `ftyp` box with its major brand, then an empty `mdat`."""
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41"
    return (len(ftyp) + 4).to_bytes(4, "big") + ftyp + b"\x00\x00\x00\x08mdat"


def webm_bytes(doctype=b"webm"):
    """An EBML header with its DocType, as WebM and Matroska files begin."""
    body = b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82" + bytes(
        [0x80 | len(doctype)]
    )
    body += doctype + b"\x42\x87\x81\x04\x42\x85\x81\x02"
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67\x01"
