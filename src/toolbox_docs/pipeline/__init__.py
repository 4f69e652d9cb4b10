"""The one pipeline and what it needs: a workbook in, its outputs beside it (``process``), the runs for an
intake and an evaluation (``runs``), the proposals, output names, feedback and rejection, the project's
identity on the share, the ``Runtime``, and batch validation with its reports."""
