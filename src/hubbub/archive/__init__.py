"""Permanent record."""
