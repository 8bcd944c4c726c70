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


class ArchiveNotDocument(UnsupportedDocument):
    """A ZIP archive sent where one document is expected (its entries may hold PDFs a PDF reader
    would find, which would silently keep one and drop the rest)."""


class MessageNotDocument(UnsupportedDocument):
    """An e-mail (.eml) sent where one document is expected: it may carry several invoices."""


class EncryptedDocument(DocumentError):
    code = "encrypted_pdf"


class CorruptDocument(DocumentError):
    code = "corrupt_pdf"


class TooManyPages(DocumentError):
    code = "too_many_pages"


class ScannedDocumentNeedsOcr(DocumentError):
    code = "scanned_pdf_needs_ocr"


class InvalidXml(DocumentError):
    code = "invalid_xml"


class HostileXml(DocumentError):
    """A DTD, entity declaration or external reference: refused before anything is expanded."""

    code = "hostile_xml"


class InvalidOcr(DocumentError):
    code = "invalid_ocr"


class CorruptImage(DocumentError):
    code = "corrupt_image"


class ImageTooLarge(DocumentError):
    """More pixels than a scanned page needs: refused before the image is decoded."""

    code = "image_too_large"
