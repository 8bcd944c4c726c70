"""Weights of the vendor candidates' features, written by `python -m bench.fit_vendor --write`."""

WEIGHTS: dict[str, float] = {
    "section": 4.8844,
    "seller_label": 4.6463,
    "heading": -0.4085,
    "heading_extended": 1.8088,
    "heading_has_form": 2.3378,
    "legal_form": 0.0617,
    "mentions": 0.3701,
    "footer": 1.2249,
    "first_lines": 0.3771,
    "sender_line": 2.9291,
    "relative_size": 0.3316,
    "has_digit": -2.5035,
}
