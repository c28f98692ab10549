"""The pages of the app, declared once: the router, the links between pages, the tests and the benchmarks all
read this list. Adding a page is a file in ``pages/`` and one entry here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    slug: str  # the page's address (``/map``) and the name links use for it
    file: str  # the script in pages/
    title: str  # in the navigation and the browser tab
    icon: str
    shows_data: bool  # the page shows indicator values (with the status line and the shared filters)
    default: bool = False  # the page at the app's own address

    @property
    def address(self) -> str:
        """The URL path a browser opens: '' for the default page."""
        return "" if self.default else self.slug


PAGES = (
    PageEntry("overview", "pages/overview.py", "Overview", ":material/dashboard:", True, default=True),
    PageEntry("attention", "pages/attention.py", "What needs attention", ":material/priority_high:", True),
    PageEntry("map", "pages/map.py", "Map", ":material/map:", True),
    PageEntry("trends", "pages/trends.py", "Trends", ":material/show_chart:", True),
    PageEntry("profiles", "pages/profiles.py", "Area profiles", ":material/location_city:", True),
    PageEntry("compare", "pages/compare.py", "Compare", ":material/compare_arrows:", True),
    PageEntry("board_pack", "pages/board_pack.py", "Board pack", ":material/slideshow:", True),
    PageEntry("data", "pages/data.py", "Data", ":material/database:", False),
    PageEntry("accessibility", "pages/accessibility.py", "Accessibility", ":material/accessibility_new:", False),
)


def page(slug: str) -> PageEntry:
    return next(entry for entry in PAGES if entry.slug == slug)


def page_file(slug: str) -> str:
    """The script of the page with this slug ('map' -> 'pages/map.py')."""
    return page(slug).file
