"""The MkDocs face of pmkb: the plugin, generated pages, templates."""
