"""Parity checks between a Flask app and its Quart port.

Not built yet: see the ``flask2quart parity`` issue. Nothing here is imported by ``rewrite``.
"""
