from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from .views import WordPressOAuth2Adapter


class WordPressAccount(ProviderAccount):
    def get_profile_url(self):
        return self.account.extra_data.get("profile_URL")

    def get_avatar_url(self):
        return self.account.extra_data.get("avatar_URL")


class WordPressProvider(OAuth2Provider):
    id = "wordpress"
    name = "WordPress.com"
    account_class = WordPressAccount
    oauth2_adapter_class = WordPressOAuth2Adapter

    def get_default_scope(self):
        return ["auth"]

    def extract_uid(self, data):
        return str(data["ID"])

    def extract_common_fields(self, data):
        return {
            "email": data.get("email"),
            "username": data.get("username"),
            "first_name": data.get("display_name", ""),
        }


provider_classes = [WordPressProvider]
