"""The user's language: kept on their account so every device and session speaks it."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from reunite.audit import log

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def remember_language(request, language: str, next_url: str):
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in SUPPORTED:
        return response
    user = request.user
    if user.is_authenticated and user.language != language:
        before = user.language
        user.language = language
        user.save(update_fields=["language"])
        log.record("account.language", user, changes={"language": [before, language]})
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
        samesite="Lax", secure=request.is_secure(),
    )
    return response
