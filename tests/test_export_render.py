"""Charts drawn to PNG and SVG without a browser or the internet, at print quality."""

from __future__ import annotations

import io
import struct

import altair as alt
import pytest
from PIL import Image

from saferleeds.export import render


def small_chart() -> alt.Chart:
    data = alt.Data(values=[{"month": f"2024-{m:02d}-01", "value": m * 3} for m in range(1, 13)])
    return (
        alt.Chart(data)
        .mark_line()
        .encode(x="month:T", y=alt.Y("value:Q", title="Crimes each month"))
        .properties(width=400, height=200, title="Test chart")
    )


def png_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks, position = {}, 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        chunks[kind] = data[position + 8 : position + 8 + length]
        position += 12 + length
    return chunks


def test_png_is_drawn_at_three_times_its_layout_size_with_its_density_recorded():
    chart = small_chart()
    small = render.png(chart, scale=1)
    large = render.png(chart)
    assert large[:8] == b"\x89PNG\r\n\x1a\n"
    small_width, small_height = render.png_size(small)
    width, height = render.png_size(large)
    assert width == pytest.approx(3 * small_width, abs=3) and height == pytest.approx(3 * small_height, abs=3)
    assert width > 1200
    x_density, y_density, unit = struct.unpack(">IIB", png_chunks(large)[b"pHYs"])
    assert unit == 1 and x_density == y_density == pytest.approx(216 / 0.0254, rel=0.01)  # 216 pixels per inch


def test_svg_keeps_titles_as_text():
    svg = render.svg(small_chart()).decode()
    assert svg.lstrip().startswith("<svg") and "Test chart" in svg and "Crimes each month" in svg


def test_source_line_is_drawn_under_the_chart():
    chart = render.with_source(small_chart(), ["Source: police.uk.", "Dashed lines are modelled."])
    svg = render.svg(chart).decode()
    assert "Source: police.uk." in svg and "Dashed lines are modelled." in svg


def test_a_chart_never_fetches_anything_while_it_is_drawn():
    remote = alt.Chart(alt.UrlData("https://example.com/data.csv")).mark_point().encode(x="a:Q")
    with pytest.raises(ValueError):
        render.png(remote)


def test_a_chart_sized_to_its_container_gets_a_paper_size():
    spec = small_chart().properties(width="container").to_dict()
    assert render.spec(spec)["width"] == render.PAPER_SIZE[0]
    assert render.png_size(render.png(spec, scale=1))[0] >= render.PAPER_SIZE[0]


def test_jpeg_copy_for_pdf_keeps_the_size_and_density():
    png = render.png(small_chart(), scale=2)
    with Image.open(io.BytesIO(render.jpeg_from_png(png))) as jpeg:
        assert jpeg.format == "JPEG"
        assert jpeg.size == render.png_size(png)
        assert jpeg.info["dpi"] == pytest.approx((144, 144), abs=1)
