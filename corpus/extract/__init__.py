"""Metadata extraction where a format gives none: places, dates, credits."""
