"""Pictures for the materials: an uploaded PNG, JPEG or WebP is decoded and drawn again from its
pixels alone, so that nothing else it carried (EXIF and GPS, text chunks, colour profiles, bytes
hidden after the image) survives, and it is stored in the widths a phone or a wide screen asks for.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from valuma_space.refusals import Refused

INLINE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
"""The pictures that can be shown in a section's text, by their detected content type."""
VARIANT_WIDTHS = (480, 960, 1600)
"""The widths a picture is stored in for srcset; a narrower picture also keeps its own width."""
MAX_PIXELS = 40_000_000
"""Larger pictures are refused before their pixels are decoded (a decompression bomb)."""

_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Encoded:
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class CleanImage:
    """A picture drawn again from its pixels: the full size and its narrower variants."""

    full: Encoded
    variants: list[Encoded]


def _refuse_undecodable() -> Refused:
    return Refused(
        _l("Kuvatiedostoa ei voi lukea. Tallenna kuva uudelleen PNG-, JPEG- tai WebP-muodossa.")
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """The colours converted to sRGB when the picture brought a profile of its own, since the
    profile itself is not kept."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        output = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=output) or image
    except (ImageCms.PyCMSError, OSError):
        return image


def _pixels_only(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding the pixels and nothing else (no info, no palette tricks)."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    if image_format == "JPEG":
        mode = "L" if image.mode in {"L", "1"} else "RGB"
    elif image.mode in {"L", "1"}:
        mode = "L"
    else:
        mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif image_format == "WEBP":
        image.save(out, "WEBP", quality=82, method=4)
    else:
        image.save(out, "PNG", optimize=False, compress_level=7)
    return out.getvalue()


def reencode(stream: IO[bytes], content_type: str) -> CleanImage:
    """Decode the upload and draw it again, upright (EXIF orientation applied), in its own
    format; refuse a file that only looks like a picture."""
    image_format = INLINE_TYPES[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=[image_format]) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise Refused(_l("Kuva on liian suuri: enintään 40 megapikseliä."))
                opened.load()
                upright = ImageOps.exif_transpose(opened) or opened
                upright.info.setdefault("icc_profile", opened.info.get("icc_profile"))
                clean = _pixels_only(_to_srgb(upright), image_format)
    except Refused:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise _refuse_undecodable() from error
    full = Encoded(clean.width, clean.height, _encode(clean, image_format))
    widths = [w for w in VARIANT_WIDTHS if w < clean.width]
    if clean.width <= VARIANT_WIDTHS[-1]:
        widths.append(clean.width)
    variants = []
    for width in widths:
        if width == clean.width:
            variants.append(full)
            continue
        height = max(1, round(clean.height * width / clean.width))
        resized = clean.resize((width, height), Image.Resampling.LANCZOS)
        variants.append(Encoded(width, height, _encode(resized, image_format)))
    return CleanImage(full=full, variants=variants)
