"""Accessibility statement."""

import streamlit as st

from saferleeds.core.catalogue import load_catalogue
from saferleeds.core.errors import DataError
from saferleeds.core.paths import PROJECT_ROOT, dataset_paths
from saferleeds.present.accessibility import accessibility_statement
from saferleeds.ui.navigation import ensure_router

ensure_router()
st.title("Accessibility statement for Safer Leeds Insight")
try:
    catalogue = load_catalogue(dataset_paths().catalogue)
except DataError:
    catalogue = load_catalogue(dataset_paths(PROJECT_ROOT).catalogue)
st.markdown(accessibility_statement(catalogue))
