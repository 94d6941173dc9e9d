"""The sample dataset, shipped inside the package as desktop_app.sample_data."""
