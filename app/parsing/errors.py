"""Why a document could not be parsed. Each error has a stable code the API maps to a status.

The classes take only a message so they pickle cleanly across the parse pool's process boundary.
"""


class DocumentError(Exception):
    code = "unparseable_document"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyDocument(DocumentError):
    code = "empty_file"


class UnsupportedDocument(DocumentError):
    code = "unsupported_media_type"


class EncryptedDocument(DocumentError):
    code = "encrypted_pdf"


class CorruptDocument(DocumentError):
    code = "corrupt_pdf"


class TooManyPages(DocumentError):
    code = "too_many_pages"


class ScannedDocumentNeedsOcr(DocumentError):
    code = "scanned_pdf_needs_ocr"
