"""Reading the archive: threads, search, figures, exports and Datasette, never writing to it."""
