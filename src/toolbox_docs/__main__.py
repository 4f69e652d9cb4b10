"""``python -m toolbox_docs`` runs the command line."""

from toolbox_docs.cli.main import main

main(prog_name="toolbox-docs")
