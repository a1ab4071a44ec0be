"""Imported by the fork server that starts the rewrite's workers, and nowhere else.

A terminal's Ctrl-C reaches every process of the group. The workers ignore SIGINT (their pool
initializer says so), but a worker forked a moment before that initializer runs would still die
with a ``KeyboardInterrupt`` traceback. The fork server hands its children the SIGINT handler it
had before it started serving, which is the one set here: so they ignore it from their first
instruction.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
