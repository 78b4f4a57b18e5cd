from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)


class MastodonOAuth2Adapter(OAuth2Adapter):
    provider_id = "mastodon"

    @property
    def instance(self) -> str:
        # Each Mastodon server is its own OAuth provider; the organiser names it on the app.
        app = self.get_provider().app
        return (app.settings or {}).get("instance", "https://mastodon.social").rstrip("/")

    @property
    def authorize_url(self):
        return f"{self.instance}/oauth/authorize"

    @property
    def access_token_url(self):
        return f"{self.instance}/oauth/token"

    def complete_login(self, request, app, token, **kwargs):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                f"{self.instance}/api/v1/accounts/verify_credentials",
                headers={"Authorization": f"Bearer {token.token}"},
            )
            response.raise_for_status()
        return self.get_provider().sociallogin_from_response(request, response.json())


oauth2_login = OAuth2LoginView.adapter_view(MastodonOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(MastodonOAuth2Adapter)
