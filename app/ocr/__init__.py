"""OCR engines for scanned PDFs. They do I/O (a subprocess, a remote API), so they live outside the
pure parsing core: they turn page images into words with boxes, and the core reads those."""
