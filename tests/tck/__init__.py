"""The openCypher TCK scenarios graphkit runs (test data, Apache-2.0) and their runner."""
