"""Payment tracking: each invoice's draft → sent → viewed → paid status and the collections dashboard."""
