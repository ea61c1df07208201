"""Views of the interface."""
