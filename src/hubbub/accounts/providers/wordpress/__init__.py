"""WordPress.com sign-in (OAuth 2), configured as a Social application in the admin."""
