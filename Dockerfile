FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv
# Tesseract with the language packs OCR_LANGUAGES names by default (OCR_ENGINE=auto reads scans
# with it and RapidOCR); OpenCV (RapidOCR's opencv-python) loads libGL and GLib.
RUN apt-get update && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-nld \
        tesseract-ocr-chi-sim tesseract-ocr-jpn libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY main.py .
COPY app ./app
COPY workers ./workers
COPY static ./static

RUN useradd --system --uid 10001 appuser
USER appuser

ENV APP_ENV=production PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
# main.py reads PORT and the rest of the settings, and a bad setting ends it with one clear line.
CMD ["python", "main.py"]
