from ..base import ProfileLinksAccount, ProfileOAuth2Provider
from .views import MastodonOAuth2Adapter


class MastodonAccount(ProfileLinksAccount):
    profile_url_field = "url"
    avatar_url_field = "avatar_static"


class MastodonProvider(ProfileOAuth2Provider):
    id = "mastodon"
    name = "Mastodon"
    account_class = MastodonAccount
    oauth2_adapter_class = MastodonOAuth2Adapter
    default_scopes = ("read:accounts",)
    uid_field = "id"


provider_classes = [MastodonProvider]
