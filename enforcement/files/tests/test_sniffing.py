"""What a file is comes from its bytes; a photo must open as a picture."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.files.services import inspect_upload
from enforcement.files.sniffing import HEAD_BYTES, sniff
from enforcement.files.testing import jpeg_bytes, mp4_bytes, png_bytes, webm_bytes

FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200  # JPEG's magic bytes, then nothing


def upload(content, name="file.bin"):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "head,expected",
    [
        (mp4_bytes(b"isom"), ("video", "video/mp4")),
        (mp4_bytes(b"mp42"), ("video", "video/mp4")),
        (mp4_bytes(b"avc1"), ("video", "video/mp4")),
        (mp4_bytes(b"qt  "), ("video", "video/quicktime")),
        (mp4_bytes(b"3gp4"), ("video", "video/3gpp")),
        (mp4_bytes(b"3gp5"), ("video", "video/3gpp")),
        (webm_bytes(b"webm"), ("video", "video/webm")),
        (webm_bytes(b"matroska"), ("video", "video/x-matroska")),
        (mp4_bytes(b"M4A "), ("audio", "audio/mp4")),
        (mp4_bytes(b"heic"), ("photo", "image/heic")),
        (b"ID3\x04\x00" + b"\x00" * 20, ("audio", "audio/mpeg")),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", ("audio", "audio/wav")),
        (b"#!AMR\n", ("audio", "audio/amr")),
        (b"OggS\x00\x02", ("audio", "audio/ogg")),
        (b"%PDF-1.7\n", ("pdf", "application/pdf")),
        (jpeg_bytes(), ("photo", "image/jpeg")),
        (png_bytes(), ("photo", "image/png")),
    ],
)
def test_kinds_come_from_the_first_bytes(head, expected):
    assert sniff(head[:HEAD_BYTES]) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"<!DOCTYPE html><script>",
        b"PK\x03\x04",  # a zip (or an Office document)
        mp4_bytes(b"abcd"),  # an ISO media file of an unknown brand
        b"",
    ],
)
def test_other_files_are_not_accepted(head):
    assert sniff(head) is None


def test_a_real_photo_passes_and_a_fake_jpeg_is_refused():
    assert inspect_upload(upload(jpeg_bytes(), "photo.jpg")) == ("photo", "image/jpeg")
    with pytest.raises(ValidationError) as err:
        inspect_upload(upload(FAKE_JPEG, "photo.jpg"))
    assert err.value.code == "damaged" and "photo.jpg" in err.value.messages[0]


def test_a_truncated_jpeg_is_refused():
    """verify() alone reads no compressed data of a JPEG: the check decodes it (at an eighth)."""
    photo = jpeg_bytes(size=(64, 64))
    with pytest.raises(ValidationError):
        inspect_upload(upload(photo[: len(photo) // 2], "cut.jpg"))


def test_a_png_with_a_broken_checksum_is_refused():
    photo = bytearray(png_bytes())
    photo[30] ^= 0xFF  # inside the IHDR chunk: its CRC no longer matches
    with pytest.raises(ValidationError):
        inspect_upload(upload(bytes(photo), "broken.png"))


def test_video_audio_and_heic_are_accepted_on_their_signature():
    assert inspect_upload(upload(mp4_bytes(b"mp42") + b"\x00" * 100, "clip.mp4")) == ("video", "video/mp4")
    assert inspect_upload(upload(mp4_bytes(b"heic"), "IMG_0001.HEIC")) == ("photo", "image/heic")
    assert inspect_upload(upload(b"#!AMR\n" + b"\x00" * 50, "call.amr")) == ("audio", "audio/amr")


def test_an_executable_named_jpg_is_refused_by_name_in_the_message():
    with pytest.raises(ValidationError) as err:
        inspect_upload(upload(b"MZ\x90\x00" + b"\x00" * 100, "C:\\Users\\x\\invoice.jpg"))
    assert err.value.code == "wrong_type"
    assert "“invoice.jpg”" in err.value.messages[0]  # the name as people know it, without its folder


def test_the_upload_is_rewound_after_the_check():
    photo = upload(jpeg_bytes(), "photo.jpg")
    inspect_upload(photo)
    assert photo.read() == jpeg_bytes()


def test_the_size_limit_is_the_generic_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as err:
        inspect_upload(upload(jpeg_bytes(size=(32, 32)), "big.jpg"))
    assert err.value.code == "too_large"


def test_a_file_object_without_a_name_still_works():
    from django.core.files import File

    assert inspect_upload(File(io.BytesIO(png_bytes()))) == ("photo", "image/png")
