"""``python -m toolbox_docs`` and the console script ``toolbox-docs`` (``run``): the command line."""

from toolbox_docs.cli import entry


def run() -> None:
    entry.start()
    with entry.imports():
        from toolbox_docs.cli.main import main
    main(prog_name="toolbox-docs")


if __name__ == "__main__":
    run()
