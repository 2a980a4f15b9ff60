"""Prints botocore's presigned GET URL for the inputs given, at a fixed time: the oracle that
Darkroom's own SigV4 query signer is checked against.

Usage: botocore_presign.py ENDPOINT BUCKET KEY REGION ACCESS SECRET TOKEN EXPIRES YYYYMMDDTHHMMSSZ path|virtual
(TOKEN "-" for none)."""
import datetime
import sys
from unittest import mock

import botocore.auth
import botocore.session
from botocore.config import Config

endpoint, bucket, key, region, access, secret, token, expires, stamp, style = sys.argv[1:]
client = botocore.session.get_session().create_client(
    "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
    aws_session_token=None if token == "-" else token,
    config=Config(signature_version="s3v4", s3={"addressing_style": style}))
now = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
    print(client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=int(expires)))
