"""Charts drawn to PNG and SVG without a browser or the internet, at print quality."""

from __future__ import annotations

import io
import struct

import altair as alt
import numpy as np
import pytest
import typst
import vl_convert
from PIL import Image

from saferleeds.present.export import drawing, render


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


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"), dtype=float)


def test_a_png_made_from_the_svg_matches_vl_converts_own_drawing():
    chart = small_chart()
    svg = render.svg(chart)
    from_svg = render.png_from_svg(svg, 2)
    direct = vl_convert.vegalite_to_png(render.spec(chart), scale=1.0, ppi=144, **render.options())
    assert render.png_size(from_svg) == render.png_size(direct)
    assert drawing.svg_size(svg) == pytest.approx(render.png_size(render.png(chart, scale=1)), abs=1)
    difference = np.abs(pixels(from_svg) - pixels(direct))
    assert difference.mean() < 2 and (difference.max(axis=2) > 64).mean() < 0.01  # the same lines and words
    with Image.open(io.BytesIO(from_svg)) as image:
        assert image.info["dpi"] == pytest.approx((144, 144), abs=1)


def test_a_png_is_still_made_when_typst_cannot_draw_the_svg(monkeypatch):
    def refuse(*args, **kwargs):
        raise typst.TypstError("failed to parse SVG")

    svg = render.svg(small_chart())
    expected = render.png_from_svg(svg, 1)
    monkeypatch.setattr(drawing.typst, "compile", refuse)
    fallback = render.png_from_svg(svg, 1)
    assert render.png_size(fallback) == render.png_size(expected)
    assert np.abs(pixels(fallback) - pixels(expected)).mean() < 2


def test_svg_size_refuses_what_is_not_an_svg():
    with pytest.raises(ValueError):
        drawing.svg_size(b"<html></html>")


def page_spec() -> dict:
    """A chart as a page draws it: sized to its column, with a selection and data sets at the top."""
    chart = (
        alt.Chart(alt.Data(values=[{"month": f"2024-{m:02d}-01", "value": m, "code": str(m)} for m in range(1, 13)]))
        .mark_point()
        .encode(x="month:T", y="value:Q")
        .add_params(alt.selection_point(name="pick", fields=["code"]))
    )
    layered = alt.layer(chart, chart.mark_line().encode(x="month:T", y="value:Q"))
    spec = layered.properties(description="Crimes each month.", autosize={"type": "fit-x"}).to_dict()
    assert "width" not in spec
    return spec


def test_a_page_chart_is_given_a_title_and_a_source_line_for_download():
    document = render.for_download(
        page_spec(), title="Crimes in Armley", source="Source: police.uk. Crimes each month."
    )
    (inner,) = document["vconcat"]
    assert inner["title"] == {"text": "Crimes in Armley", "anchor": "start"}
    assert inner["width"] == render.PAPER_SIZE[0] and "autosize" not in inner
    assert "params" in document and "params" not in inner  # a selection stays valid outside the page
    svg = render.svg(document).decode()
    assert "Crimes in Armley" in svg and "Source: police.uk. Crimes each month." in svg
    width, _ = render.png_size(render.png(document, scale=1))
    assert width >= render.PAPER_SIZE[0]


def test_a_chart_with_a_title_keeps_it_and_without_a_source_is_unchanged():
    spec = {**page_spec(), "title": "Own title"}
    assert render.for_download(spec, title="Other") == spec
    assert render.chart_title({"title": {"text": ["Two", "lines"]}}) == "Two lines"


def test_print_settings_are_kept_when_a_chart_sets_its_own_colours():
    document = render.spec({**page_spec(), "config": {"axis": {"labelColor": "#505a5f"}}})
    assert document["config"]["axis"]["labelColor"] == "#505a5f"
    assert document["config"]["axis"]["labelFontSize"] == render.PRINT_CONFIG["axis"]["labelFontSize"]
