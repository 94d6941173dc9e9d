"""Import: readers, presets, validation, location resolution and the import pipeline."""
