"""Request and response shapes of the delivery endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field


class WebhookRequest(BaseModel):
    url: str = Field(max_length=2048, description="an http(s) URL on the public internet")
    secret: str | None = Field(
        default=None, description="whsec_ + base64 of 24-64 random bytes; WEBHOOK_SECRET when left out"
    )


class WebhookAccepted(BaseModel):
    delivery_id: str
    webhook_id: str = Field(description="the webhook-id header every attempt carries")
    status_url: str
    job_url: str


class JobAccepted(BaseModel):
    job_id: str
    status_url: str
