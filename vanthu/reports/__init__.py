"""Reports: selectors and exports only; no models, and nothing imports reports (style.md)."""
