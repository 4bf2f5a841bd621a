"""pmkb: a blameless-postmortem knowledge base for MkDocs."""

__version__ = "0.1.0"
