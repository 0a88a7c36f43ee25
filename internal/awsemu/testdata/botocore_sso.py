"""Drive the awsemu SSO OIDC and SSO portal emulation with boto3/botocore and
print what botocore parsed, as one JSON document on stdout. Run by
TestBotocoreSSO; inputs come from the environment (AWSEMU_*)."""

import json
import os
import urllib.request

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
URL = env["AWSEMU_URL"]
START_URL = env["AWSEMU_START_URL"]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

SESSION = boto3.session.Session()
CFG = Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1, "mode": "standard"})
oidc = SESSION.client("sso-oidc", endpoint_url=URL, region_name="us-east-1", config=CFG)
sso = SESSION.client("sso", endpoint_url=URL, region_name="us-east-1", config=CFG)


def error_of(fn):
    try:
        fn()
    except ClientError as e:
        err = e.response["Error"]
        return {
            "Code": err["Code"],
            "Message": err.get("Message"),
            "Status": e.response["ResponseMetadata"]["HTTPStatusCode"],
            "error": e.response.get("error"),
            "error_description": e.response.get("error_description"),
        }
    return None


def admin(path, doc):
    req = urllib.request.Request(URL + "/_awsemu/" + path, data=json.dumps(doc).encode(), method="POST")
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


out = {}
reg = oidc.register_client(clientName="botocore-client-emu", clientType="public", scopes=["sso:account:access"])
out["registration"] = {
    "issued_type": type(reg["clientIdIssuedAt"]).__name__,
    "expires_minus_issued": reg["clientSecretExpiresAt"] - reg["clientIdIssuedAt"],
}
client_args = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"]}

dev = oidc.start_device_authorization(startUrl=START_URL, **client_args)
out["device"] = {k: dev[k] for k in ("userCode", "verificationUri", "verificationUriComplete", "expiresIn", "interval")}


def poll():
    return oidc.create_token(grantType=DEVICE_GRANT, deviceCode=dev["deviceCode"], **client_args)


out["pending"] = error_of(poll)
poll_error = error_of(poll)  # the first poll was a free probe: still pending
out["pending_again"] = poll_error["Code"] if poll_error else None
# botocore's own exception classes match too.
try:
    poll()
except oidc.exceptions.SlowDownException:
    out["slow_down_class"] = True
admin("sso/approve", {"user_code": dev["userCode"], "user": "alice"})
tok = poll()
out["token"] = {"tokenType": tok["tokenType"], "expiresIn": tok["expiresIn"], "has_refresh": "refreshToken" in tok}
out["redeemed"] = error_of(poll)
out["bad_client"] = error_of(lambda: oidc.create_token(grantType="refresh_token", refreshToken="x",
                                                        clientId=reg["clientId"], clientSecret="wrong"))

access = tok["accessToken"]
pages = list(sso.get_paginator("list_accounts").paginate(accessToken=access, PaginationConfig={"PageSize": 1}))
out["account_pages"] = len(pages)
out["accounts"] = [a for p in pages for a in p["accountList"]]
pages = list(sso.get_paginator("list_account_roles").paginate(
    accessToken=access, accountId="222222222222", PaginationConfig={"PageSize": 1}))
out["role_pages"] = len(pages)
out["roles"] = [r["roleName"] for p in pages for r in p["roleList"]]

rc = sso.get_role_credentials(accessToken=access, accountId="222222222222", roleName="AdministratorAccess")["roleCredentials"]
out["expiration_type"] = type(rc["expiration"]).__name__
out["expiration"] = rc["expiration"]
sts = SESSION.client("sts", endpoint_url=URL, region_name="eu-west-1",
                     aws_access_key_id=rc["accessKeyId"], aws_secret_access_key=rc["secretAccessKey"],
                     aws_session_token=rc["sessionToken"], config=Config(retries={"total_max_attempts": 1}))
out["caller"] = sts.get_caller_identity()["Arn"]
out["not_found"] = error_of(lambda: sso.get_role_credentials(accessToken=access, accountId="333333333333",
                                                             roleName="AdministratorAccess"))

refreshed = oidc.create_token(grantType="refresh_token", refreshToken=tok["refreshToken"], **client_args)
out["refreshed"] = "refreshToken" in refreshed and refreshed["accessToken"] != access
out["refresh_reused"] = error_of(lambda: oidc.create_token(grantType="refresh_token",
                                                           refreshToken=tok["refreshToken"], **client_args))
sso.logout(accessToken=access)
out["after_logout"] = error_of(lambda: sso.list_accounts(accessToken=access))
out["denied"] = None
dev2 = oidc.start_device_authorization(startUrl=START_URL, **client_args)
admin("sso/deny", {"user_code": dev2["userCode"]})
out["denied"] = error_of(lambda: oidc.create_token(grantType=DEVICE_GRANT, deviceCode=dev2["deviceCode"], **client_args))

print(json.dumps(out))
