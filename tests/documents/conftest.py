import io

import pytest
from PIL import Image

from tests.api.conftest import api, elsewhere_target, other_operation  # noqa: F401 (shared)
from tests.web.conftest import as_user, found_target  # noqa: F401 (shared)


def jpeg_with_gps(size=(1200, 900), color=(180, 40, 40)) -> bytes:
    """A camera-like JPEG: EXIF with a GPS position, a camera serial number and an orientation."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    exif[0xA431] = "SERIAL-123456"       # BodySerialNumber
    exif[0x0112] = 6                     # Orientation: rotate 90° to display
    gps = {1: "N", 2: (32.0, 19.0, 12.0), 3: "W", 4: (106.0, 45.0, 36.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def minimal_pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def target(make_target):
    return make_target()
