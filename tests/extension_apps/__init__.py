"""Small Flask apps, one per extension, that the F2Q327 tests port with the real rewrite and run
under Quart with the real extension, comparing each with its Flask original."""
