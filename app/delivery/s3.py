"""The S3 export job: build the workbook, upload it, answer with a presigned GET URL.

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

from app.exports.workbook import XLSX_MEDIA_TYPE, build_workbook
from app.invoices.schemas import Invoice
from app.jobs.policy import GiveUp, RetryLater

_FINAL_CODES = {"NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}


def client(*, region: str | None, endpoint_url: str | None) -> Any:
    """An S3 client with short timeouts; retries are the job's, not botocore's."""
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1}, signature_version="s3v4")
    return boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)


def export(
    *,
    invoices: list[dict[str, Any]],
    bucket: str,
    key: str,
    region: str | None,
    endpoint_url: str | None,
    url_expires: int,
) -> dict[str, Any]:
    workbook = build_workbook([Invoice.model_validate(invoice) for invoice in invoices])
    s3 = client(region=region, endpoint_url=endpoint_url)
    try:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=workbook,
            ContentType=XLSX_MEDIA_TYPE,
            ContentDisposition=f'attachment; filename="{key.rsplit("/", 1)[-1]}"',
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
    return {"url": url, "bucket": bucket, "key": key, "bytes": len(workbook), "expires_at": expires_at.isoformat()}


def check_bucket(*, bucket: str, region: str | None, endpoint_url: str | None) -> None:
    """Raise if the bucket cannot be reached with the configured credentials (readiness)."""
    client(region=region, endpoint_url=endpoint_url).head_bucket(Bucket=bucket)
