"""Exporters: tables and datasets, interactive HTML, static images, reports."""
