"""Invoice parsing service."""

from pathlib import Path

__version__ = "0.1.0"

#: The web page's files (index.html, its scripts and styles), served by the app.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
