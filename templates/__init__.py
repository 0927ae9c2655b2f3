"""Jinja2 templates of the HTML archive, installed as the package ``archiver.templates``."""
