"""Drive the awsemu STS emulator with boto3/botocore and print what botocore
parsed, as one JSON document on stdout. Run by TestBotocore; inputs come from
the environment (AWSEMU_*)."""

import json
import os
import urllib.request

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
URL = env["AWSEMU_URL"]


SESSION = boto3.session.Session()


def client(creds=None, signed=True):
    cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    if not signed:
        cfg = cfg.merge(Config(signature_version=UNSIGNED))
    creds = creds or {}
    return SESSION.client(
        "sts",
        endpoint_url=URL,
        region_name="eu-central-1",
        aws_access_key_id=creds.get("AccessKeyId", "unused"),
        aws_secret_access_key=creds.get("SecretAccessKey", "unused"),
        aws_session_token=creds.get("SessionToken"),
        config=cfg,
    )


def creds_out(c):
    return {
        "AccessKeyId": c["AccessKeyId"],
        "SecretAccessKey": c["SecretAccessKey"],
        "SessionToken": c["SessionToken"],
        "Expiration": c["Expiration"].isoformat(),
    }


def error_of(fn):
    try:
        fn()
    except ClientError as e:
        return {
            "Code": e.response["Error"]["Code"],
            "Message": e.response["Error"]["Message"],
            "Type": e.response["Error"].get("Type"),
            "Status": e.response["ResponseMetadata"]["HTTPStatusCode"],
            "RequestId": e.response["ResponseMetadata"].get("RequestId"),
        }
    return None


alice = {"AccessKeyId": env["AWSEMU_ALICE_KEY"], "SecretAccessKey": env["AWSEMU_ALICE_SECRET"]}
out = {}

me = client(alice).get_caller_identity()
out["gci_user"] = {k: me[k] for k in ("Arn", "Account", "UserId")}
out["gci_user_request_id"] = me["ResponseMetadata"]["RequestId"]

dev = client(alice).assume_role(RoleArn=env["AWSEMU_DEVELOPER_ARN"], RoleSessionName="boto-dev", DurationSeconds=7200)
out["assume"] = {"Credentials": creds_out(dev["Credentials"]), "AssumedRoleUser": dev["AssumedRoleUser"]}
dev_client = client(dev["Credentials"])
out["gci_role"] = dev_client.get_caller_identity()["Arn"]

chained = dev_client.assume_role(RoleArn=env["AWSEMU_READONLY_ARN"], RoleSessionName="boto-chain")
out["chained"] = chained["AssumedRoleUser"]["Arn"]
out["chained_too_long"] = error_of(lambda: dev_client.assume_role(
    RoleArn=env["AWSEMU_READONLY_ARN"], RoleSessionName="boto-chain", DurationSeconds=7200))

gst = client(alice).get_session_token(SerialNumber=env["AWSEMU_MFA_SERIAL"], TokenCode=env["AWSEMU_MFA_CODE"], DurationSeconds=900)
out["gst"] = creds_out(gst["Credentials"])
admin = client(gst["Credentials"]).assume_role(RoleArn=env["AWSEMU_ADMIN_ARN"], RoleSessionName="boto-admin")
out["admin_via_mfa_session"] = admin["AssumedRoleUser"]["Arn"]

web = client(signed=False).assume_role_with_web_identity(
    RoleArn=env["AWSEMU_DEPLOYER_ARN"], RoleSessionName="boto-web", WebIdentityToken=env["AWSEMU_JWT"])
out["web"] = {k: web[k] for k in ("SubjectFromWebIdentityToken", "Provider", "Audience")}
out["web"]["Arn"] = web["AssumedRoleUser"]["Arn"]
out["web"]["Expiration"] = web["Credentials"]["Expiration"].isoformat()

fed = client(alice).get_federation_token(Name="boto-fed", Policy='{"Version":"2012-10-17","Statement":[]}')
out["federation"] = {"FederatedUser": fed["FederatedUser"], "PackedPolicySize": fed.get("PackedPolicySize")}
out["gci_federated"] = client(fed["Credentials"]).get_caller_identity()["Arn"]

out["err_wrong_secret"] = error_of(lambda: client({"AccessKeyId": alice["AccessKeyId"], "SecretAccessKey": "wrong"}).get_caller_identity())
out["err_session_name"] = error_of(lambda: client(alice).assume_role(RoleArn=env["AWSEMU_DEVELOPER_ARN"], RoleSessionName="bad name"))
out["err_no_mfa"] = error_of(lambda: client(alice).assume_role(RoleArn=env["AWSEMU_ADMIN_ARN"], RoleSessionName="boto-admin"))
out["err_gst_with_session"] = error_of(lambda: dev_client.get_session_token())
out["err_expired_jwt"] = error_of(lambda: client(signed=False).assume_role_with_web_identity(
    RoleArn=env["AWSEMU_DEPLOYER_ARN"], RoleSessionName="boto-web", WebIdentityToken=env["AWSEMU_EXPIRED_JWT"]))


def set_faults(faults):
    req = urllib.request.Request(URL + "/_awsemu/faults", data=json.dumps({"faults": faults}).encode(), method="POST")
    with urllib.request.urlopen(req) as resp:
        resp.read()


set_faults([{"kind": "throttle", "action": "GetCallerIdentity", "count": 1}])
out["err_throttled"] = error_of(lambda: client(alice).get_caller_identity())
set_faults([{"kind": "internal", "count": 1}])
out["err_internal"] = error_of(lambda: client(alice).get_caller_identity())

print(json.dumps(out, indent=1, sort_keys=True))
