"""Custom actions served by rasa-sdk (``hotline actions``). One module per feature."""
