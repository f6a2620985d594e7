"""``python -m claimscope``: the same command as the ``claimscope`` script."""

from claimscope.cli import app

app(prog_name="claimscope")
