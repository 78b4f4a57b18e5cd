"""Audience figures."""
