from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import MastodonProvider

urlpatterns = default_urlpatterns(MastodonProvider)
