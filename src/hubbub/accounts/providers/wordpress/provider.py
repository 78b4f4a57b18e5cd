from ..base import ProfileLinksAccount, ProfileOAuth2Provider
from .views import WordPressOAuth2Adapter


class WordPressAccount(ProfileLinksAccount):
    profile_url_field = "profile_URL"
    avatar_url_field = "avatar_URL"


class WordPressProvider(ProfileOAuth2Provider):
    id = "wordpress"
    name = "WordPress.com"
    account_class = WordPressAccount
    oauth2_adapter_class = WordPressOAuth2Adapter
    default_scopes = ("auth",)
    uid_field = "ID"

    def extract_common_fields(self, data):
        return {"email": data.get("email"), **super().extract_common_fields(data)}


provider_classes = [WordPressProvider]
