"""Mastodon sign-in (OAuth 2) against one instance.

The organiser registers an application on their instance and adds a Social application in the
admin with provider "Mastodon", its client id and secret, and settings
``{"instance": "https://mastodon.example"}``.
"""
