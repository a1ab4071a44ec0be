"""Staged migration: one ASGI app serving ported routes on Quart and the rest on Flask.

Not built yet: see the ``flask2quart serve`` issue. Nothing here is imported by ``rewrite``.
"""
