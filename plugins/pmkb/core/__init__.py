"""pmkb's core: parse, validate and index postmortems. Imports nothing from MkDocs."""
