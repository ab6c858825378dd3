"""Token authentication with an expiry and the account's lock respected: a token older than
REUNITE_TOKEN_TTL_HOURS, or one whose account is locked out or disabled, no longer works."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from reunite.accounts import lockout, services


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)  # refuses unknown keys, inactive users
        if services.token_expired(token):
            raise exceptions.AuthenticationFailed(
                "This token has expired: ask for a new one (POST /api/v1/auth/token)."
            )
        if lockout.is_locked_out(user.get_username()):
            raise exceptions.AuthenticationFailed("This account is locked.")
        return user, token
