"""Accessibility statement."""

import streamlit as st

from saferleeds.accessibility import accessibility_statement
from saferleeds.catalogue import load_catalogue
from saferleeds.errors import DataError
from saferleeds.paths import PROJECT_ROOT, dataset_paths
from saferleeds.ui.navigation import ensure_router

ensure_router()
st.title("Accessibility statement for Safer Leeds Insight")
try:
    catalogue = load_catalogue(dataset_paths().catalogue)
except DataError:
    catalogue = load_catalogue(dataset_paths(PROJECT_ROOT).catalogue)
st.markdown(accessibility_statement(catalogue))
