"""pmkb.publish."""
