"""The AWS account a sandbox answers as (server.py --account).

moto takes the account of a request from, in this order: the MOTO_ACCOUNT_ID environment
variable, an `x-moto-account-id` header, the account whose IAM (or STS-issued) access key
signed it, else 123456789012 (moto/core/responses.py, BaseResponse.get_current_account).
`--account` sets MOTO_ACCOUNT_ID before the server starts, so every request lands in that
account's backends: STS GetCallerIdentity, the ARNs moto builds (user pools, ...) and the
data itself. Two sandboxes on two ports with two accounts stand for two AWS accounts.

The sandbox's own code (bulk control endpoints, minted tokens, the SSO portal's default
assignment, AssumeRole's caller ARN) asks `current()` / `of_access_key()` instead of
assuming moto's default account.
"""

import os
import re

from moto.core import DEFAULT_ACCOUNT_ID

ENV = "MOTO_ACCOUNT_ID"
_ACCOUNT_RE = re.compile(r"\d{12}")


def check(account_id):
    """The account id if it is 12 digits, else ValueError."""
    if not isinstance(account_id, str) or not _ACCOUNT_RE.fullmatch(account_id):
        raise ValueError(f"an account id is 12 digits, not {account_id!r}")
    return account_id


def use(account_id):
    """Make every later request answer as `account_id` (call before serving)."""
    os.environ[ENV] = check(account_id)


def current():
    """The account requests answer as unless STS issued their keys for another one
    (and even then, when --account was given)."""
    return os.environ.get(ENV) or DEFAULT_ACCOUNT_ID


def of_access_key(access_key):
    """The account moto takes a request signed with `access_key` to be from."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    from moto.iam.models import get_account_id_from
    return get_account_id_from(access_key or "")
