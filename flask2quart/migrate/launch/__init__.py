"""Launch commands (Procfile, Dockerfile, shell scripts, compose) moved from gunicorn and
``flask run`` to Hypercorn: the pieces of rule F2Q402 (:mod:`..rules.f2q402_launch_commands`).

- :mod:`.shell`: shell words, quoting and variable assignments (a POSIX sh lexer).
- :mod:`.invocation`: which program a command runs, past wrappers (``exec``, ``poetry run``...),
  ``python -m`` and ``sh -c`` scripts.
- :mod:`.command`: where a command runs, the project it serves, what it becomes.
- :mod:`.options`: ``--name=value``/``-xVALUE``/``--name value`` options of gunicorn and Flask.
- :mod:`.gunicorn`: gunicorn's options translated to Hypercorn's.
- :mod:`.flask_run`: ``flask run`` options and environment translated to Hypercorn's.
- :mod:`.flask_app`: the app Flask would load, as Hypercorn's ``MODULE:APP``.
- :mod:`.rewrite`: the commands of a shell text or exec-form list translated, as edits.
- :mod:`.procfile`, :mod:`.dockerfile`, :mod:`.compose`: each file format's commands.

Docs: https://hypercorn.readthedocs.io/en/latest/how_to_guides/configuring.html
"""
