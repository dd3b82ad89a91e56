"""Exporters: tables and datasets, interactive HTML, static images, reports."""

__all__ = []
