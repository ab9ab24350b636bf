"""The gateway application: channels, consoles, booking store, settings and the CLI."""
