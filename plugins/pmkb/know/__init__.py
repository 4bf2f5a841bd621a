"""pmkb.know."""
