from datetime import datetime

from pydantic import BaseModel


class SessionToken(BaseModel):
    token: str
    expires_at: datetime
