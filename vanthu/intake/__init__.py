"""Intake of received files: text extraction, metadata suggestion, registration (issue 7)."""
