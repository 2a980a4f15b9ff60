"""boto3, as an S3 client other than Darkroom's, for the tests: what is really in a bucket.

Usage (keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY):
  s3_tool.py ENDPOINT mirror BUCKET PREFIX DEST   download every object under PREFIX into DEST/<key after PREFIX/>
  s3_tool.py ENDPOINT put BUCKET KEY FILE         upload FILE as KEY (no checksum: a change behind Darkroom's back)
  s3_tool.py ENDPOINT delete BUCKET KEY
  s3_tool.py ENDPOINT create BUCKET
  s3_tool.py ENDPOINT uploads BUCKET              print the keys of multipart uploads in progress, one a line"""
import os
import sys

import boto3
from botocore.config import Config

endpoint, command, bucket, *rest = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
if command == "mirror":
    prefix, dest = rest
    start = prefix.rstrip("/") + "/" if prefix else ""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=start):
        for item in page.get("Contents", []):
            target = os.path.join(dest, item["Key"][len(start):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            s3.download_file(bucket, item["Key"], target)
elif command == "put":
    key, path = rest
    with open(path, "rb") as body:
        s3.put_object(Bucket=bucket, Key=key, Body=body.read())
elif command == "delete":
    s3.delete_object(Bucket=bucket, Key=rest[0])
elif command == "create":
    s3.create_bucket(Bucket=bucket)
elif command == "uploads":
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        print(upload["Key"])
else:
    sys.exit(f"unknown command {command}")
