"""What needs attention through AppTest: the Overview's panel and the page list the findings once worked
out, hold back modelled data unless the toggle (kept in the URL) asks, and each finding opens its view."""

from __future__ import annotations

from saferleeds.ui.attention import wait_for_findings
from tests.conftest import download_keys, page_text, run_app

ATTENTION_PAGE = "pages/attention.py"


def ready(app):
    """Run again once the background work is done (the browser is told to look again by itself)."""
    wait_for_findings(timeout=600)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def findings(app) -> list[str]:
    texts = [m.value.replace("\\", "") for m in app.markdown]
    return [text for text in texts if text.startswith("**") and ":** " in text and text.endswith(")*")]


def test_the_overview_panel_lists_findings_with_their_status_and_a_link(dataset):
    app = ready(run_app(query={"area": "Armley", "attention_modelled": "true"}))
    assert "What needs attention" in [h.value for h in app.header]
    listed = findings(app)
    assert 1 <= len(listed) <= 5
    labels = [f"({status.label})*" for status in dataset.catalogue.statuses.items]
    assert all(text.endswith(tuple(labels)) for text in listed), "each finding says how its data was made"
    assert any("tests of Armley" in c.value for c in app.caption)
    app.button(key="overview-open-1").click().run()
    assert not app.exception
    assert app.sidebar.selectbox(key="area").value == "E05011385"
    assert "Armley" in page_text(app)


def test_modelled_findings_are_held_back_by_default_and_it_says_so():
    app = ready(run_app(query={"area": "Armley"}))
    recorded_or_estimated = findings(app)
    assert recorded_or_estimated, "Armley's real police.uk months give findings of their own"
    assert not any(text.endswith("(Modelled)*") for text in recorded_or_estimated)
    assert any("on modelled data" in c.value and "held back" in c.value for c in app.caption)
    assert app.toggle(key="attention_modelled").value is False
    app.toggle(key="attention_modelled").set_value(True).run()
    ready(app)
    assert findings(app) and not any("held back" in c.value for c in app.caption)


def test_the_page_of_its_own_lists_every_finding_explains_the_method_and_downloads():
    overview = ready(run_app(query={"area": "Armley", "attention_modelled": "true"}))
    app = ready(run_app(ATTENTION_PAGE, query={"area": "Armley", "attention_modelled": "true"}))
    text = page_text(app)
    assert "Benjamini and Hochberg 1995" in text
    assert len(findings(app)) >= len(findings(overview)) > 0
    assert findings(app)[: len(findings(overview))] == findings(overview), "the same findings, in the same order"
    assert "attention-csv" in download_keys(app)
