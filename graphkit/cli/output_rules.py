"""What an existing output path may be replaced with (SECURITY.md, "Output paths"): the
sentences every output option's ``--help`` says (the rules themselves live in
:mod:`graphkit.files` and the writers)."""

from __future__ import annotations

__all__ = ["OUTPUT_FILE_RULE", "DATASET_OUTPUT_RULE", "REPORT_OUTPUT_RULE", "ANALYSIS_OUTPUT_RULE"]

OUTPUT_FILE_RULE = (
    "an existing file is replaced whole; a symbolic link is written through (its target is "
    "replaced, the link stays); a folder, a device such as /dev/null or a FIFO is refused"
)
DATASET_OUTPUT_RULE = (
    "in an existing dataset folder only actors.csv, capabilities.csv, threats.csv and "
    "relationships.csv are replaced (notes, README, .git/ and anything else in it stay); a "
    "non-empty folder without actors.csv, or a folder that is a link, is refused; for a file "
    "format, " + OUTPUT_FILE_RULE
)
REPORT_OUTPUT_RULE = (
    "a new or empty folder, or an earlier graphkit report holding only what graphkit wrote "
    "there (its .graphkit-report lists it); a folder holding anything else (notes, a dataset), "
    "a file or a link is refused and left untouched"
)
ANALYSIS_OUTPUT_RULE = (
    "only the files analyze writes (NAME.csv per table, summary.json) are replaced; other "
    "files in DIR stay; for each of them, " + OUTPUT_FILE_RULE
)
