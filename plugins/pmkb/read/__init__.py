"""pmkb.read."""
