"""Malformed and hostile input files, built on demand (no large files in the repository)."""
