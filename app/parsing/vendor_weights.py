"""Weights of the vendor candidates' features, written by `python -m bench.fit_vendor --write`."""

WEIGHTS: dict[str, float] = {
    "bias": 0.0,
    "section": 5.9787,
    "seller_label": 4.0527,
    "heading": -0.1588,
    "heading_extended": 1.7756,
    "heading_has_form": 2.4019,
    "legal_form": 0.6025,
    "mentions": 0.4168,
    "footer": 0.8662,
    "first_lines": 0.1197,
    "sender_line": 2.7832,
    "relative_size": 0.4529,
    "has_digit": -2.5856,
}
