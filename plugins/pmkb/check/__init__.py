"""pmkb.check."""
