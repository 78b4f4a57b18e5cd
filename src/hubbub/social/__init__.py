"""Social-media wall."""
