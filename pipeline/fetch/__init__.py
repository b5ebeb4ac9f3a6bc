"""The fetch stage: a polite crawler that fills ``raw/`` from URLs and sitemaps.

One module per concern, so each can be read and tested alone:

- :mod:`~pipeline.fetch.config`: every knob, with polite defaults
- :mod:`~pipeline.fetch.safety`: which URLs and addresses may be contacted at all
- :mod:`~pipeline.fetch.ratelimit`: per-host pacing and concurrency, a global limit
- :mod:`~pipeline.fetch.robots`: robots.txt rules (Protego) per origin
- :mod:`~pipeline.fetch.client`: one HTTP exchange with retries, backoff, timeouts, size cap
- :mod:`~pipeline.fetch.sitemaps`: sitemap and sitemap-index parsing, gzip too
- :mod:`~pipeline.fetch.targets`: command-line arguments to page and sitemap URLs
- :mod:`~pipeline.fetch.manifest`: the JSON-lines manifest and the hashed file names
- :mod:`~pipeline.fetch.crawler`: the pieces together, redirects followed hop by hop

This ``__init__`` imports nothing, so the extract stage can read a manifest
(:mod:`pipeline.fetch.manifest`) without loading the HTTP stack.
"""
