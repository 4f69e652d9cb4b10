"""The municipal share: safe file-system access (``fsio``), safe opening of Office files (``ooxml``),
putting generated files in place (``publish``), names on the share (``names``) and setting up a root."""
