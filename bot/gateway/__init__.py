"""The gateway: one FastAPI application serving channels, consoles and APIs."""
