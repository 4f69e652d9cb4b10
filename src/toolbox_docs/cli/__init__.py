"""The command line, ``toolbox-docs`` (``main``), click's messages in Dutch (``dutch``), the progress bar,
``doctor``, ``demo`` and the worked example it runs."""
