"""Presentation: charts, maps, accessibility text, provenance and exports (board packs)."""
