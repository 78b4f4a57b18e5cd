"""What the OAuth2 sign-in providers hubbub adds have in common: the profile and avatar links
are fields of the provider's profile data, and the account id, the scope and the name the
person goes by are read the same way. Each provider names only its own fields.
"""

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider


class ProfileLinksAccount(ProviderAccount):
    profile_url_field = "url"
    avatar_url_field = "avatar"

    def get_profile_url(self):
        return self.account.extra_data.get(self.profile_url_field)

    def get_avatar_url(self):
        return self.account.extra_data.get(self.avatar_url_field)


class ProfileOAuth2Provider(OAuth2Provider):
    default_scopes: tuple[str, ...] = ()
    uid_field = "id"

    def get_default_scope(self):
        return list(self.default_scopes)

    def extract_uid(self, data):
        return str(data[self.uid_field])

    def extract_common_fields(self, data):
        return {"username": data.get("username"), "first_name": data.get("display_name", "")}
