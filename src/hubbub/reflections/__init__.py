"""Reflections and action pledges."""
