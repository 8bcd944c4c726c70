"""Uploads to S3 for the export jobs: put an object, answer with a presigned GET URL.

boto3 finds credentials the AWS way (environment, shared profile, instance or task role);
S3_ENDPOINT_URL points it at an S3-compatible store. Upload failures are retried on the job's
schedule; missing credentials or a missing bucket are final. Messages name the S3 error code
only, never a credential.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError
from redis import Redis

from app.core import redis as redis_client
from app.jobs.policy import GiveUp, RetryLater

_FINAL_CODES = {"NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}


def client(*, region: str | None, endpoint_url: str | None) -> Any:
    """An S3 client with short timeouts; retries are the job's, not botocore's."""
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1}, signature_version="s3v4")
    return boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)


def upload(
    *,
    body: bytes,
    content_type: str,
    file_name: str,
    bucket: str,
    key: str,
    region: str | None,
    endpoint_url: str | None,
    url_expires: int,
) -> dict[str, Any]:
    """Put ``body`` at ``key`` (downloaded as ``file_name``); the job's result: a presigned GET
    URL and where it points. RetryLater for a passing fault, GiveUp for a final one."""
    s3 = client(region=region, endpoint_url=endpoint_url)
    try:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentDisposition=f'attachment; filename="{file_name}"',
        )
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=url_expires)
    except (NoCredentialsError, PartialCredentialsError):
        raise GiveUp("No AWS credentials were found for the S3 upload; configure them the AWS way.") from None
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "unknown"))
        if code in _FINAL_CODES:
            raise GiveUp(f"S3 refused the upload ({code}).") from None
        raise RetryLater(f"S3 upload failed ({code}).") from None
    except BotoCoreError as exc:
        raise RetryLater(f"S3 could not be reached ({type(exc).__name__}).") from None
    expires_at = datetime.now(UTC) + timedelta(seconds=url_expires)
    return {"url": url, "bucket": bucket, "key": key, "bytes": len(body), "expires_at": expires_at.isoformat()}


def check_bucket(*, bucket: str, region: str | None, endpoint_url: str | None) -> None:
    """Raise if the bucket cannot be reached with the configured credentials (readiness)."""
    client(region=region, endpoint_url=endpoint_url).head_bucket(Bucket=bucket)


#: Where RQ workers say whether they reach the bucket: they upload the exports, not the app, so the
#: app's own reach proves nothing about them (readiness reads this when jobs go to RQ).
WORKER_REACH_KEY = "invoice-service:s3-from-workers"
#: How often a worker checks; its word lasts three rounds.
WORKER_REPORT_SECONDS = 60


def report_worker_reach(connection: Redis, *, bucket: str, region: str | None, endpoint_url: str | None) -> None:
    """Check the bucket from this worker and say so in Redis: "ok" from any worker stands until
    no worker has renewed it for three rounds; "down" is said only where no "ok" stands."""
    try:
        check_bucket(bucket=bucket, region=region, endpoint_url=endpoint_url)
    except Exception:  # unreachable, refused, missing credentials or bucket: not able to export
        connection.set(WORKER_REACH_KEY, "down", ex=3 * WORKER_REPORT_SECONDS, nx=True)
    else:
        connection.set(WORKER_REACH_KEY, "ok", ex=3 * WORKER_REPORT_SECONDS)


def worker_reach(redis_url: str) -> str:
    """What the workers last said of the bucket: ok, down, or unknown (no worker has said)."""
    with redis_client.connect(redis_url, answer_timeout=2) as connection:
        state = connection.get(WORKER_REACH_KEY)
    return state.decode() if isinstance(state, bytes) else "unknown"
