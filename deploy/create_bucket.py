"""Create the datasets bucket when it is missing (compose's one-shot `init` service).

A real object store's bucket is made once by its operator; this is for the local S3 server.
"""

import os
import sys
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError

ATTEMPTS = 30  # the S3 server may still be starting: up to a minute


def main() -> int:
    bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
    client = boto3.client("s3", endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            try:
                client.head_bucket(Bucket=bucket)
                print(f"bucket {bucket}: exists")
            except ClientError:
                client.create_bucket(Bucket=bucket)
                print(f"bucket {bucket}: created")
            return 0
        except (BotoCoreError, ClientError) as exc:
            if attempt == ATTEMPTS:
                print(f"bucket {bucket}: {exc}", file=sys.stderr)
                return 1
            time.sleep(2)
    return 1


if __name__ == "__main__":
    sys.exit(main())
