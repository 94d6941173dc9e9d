"""Sightline assets, shipped inside the package as desktop_app.resources."""
