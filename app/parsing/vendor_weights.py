"""Weights of the vendor candidates' features, written by `python -m bench.fit_vendor --write`."""

WEIGHTS: dict[str, float] = {
    "section": 5.0756,
    "seller_label": 4.8627,
    "heading": 0.2891,
    "heading_extended": 1.7016,
    "heading_has_form": 1.8761,
    "legal_form": 1.2912,
    "mentions": 0.1725,
    "footer": 0.6316,
    "first_lines": 1.1574,
    "sender_line": 2.5415,
    "relative_size": -0.044,
    "has_digit": -1.693,
    "domain": 2.682,
}
