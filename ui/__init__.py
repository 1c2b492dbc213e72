"""Web app and the namnd CLI (the outer edge)."""
