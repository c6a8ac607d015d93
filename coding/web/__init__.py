"""The coding web app (``dyadlab serve``): see :func:`coding.web.app.create_app`.

``app`` builds the FastAPI application (security middleware, error shapes); ``auth`` decides
who may do what; ``api`` (coders) and ``api_lead`` are the JSON API, ``views`` the pages;
``accounts`` holds users, passwords, sessions and login throttling; ``data`` the read-only
transcripts and codebook the pages show (and the highlight palette); ``agreement`` the
lead's agreement and reconciliation rows; ``exports`` the spreadsheet-safe CSV; ``ids`` the
permuted coding ids; ``seed`` the first-run import of a study's codings.
"""
