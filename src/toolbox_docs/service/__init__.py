"""The watcher service: notices saved workbooks on the share and runs the pipeline on them."""
