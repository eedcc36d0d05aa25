"""Tandem's shipped questionnaire definitions, one YAML file per instrument version.

Files are named `<id>-v<version>.yaml` and read by `tandem.surveys.instruments`; an edit to a
file that a wave has used must become a new version instead (docs/methods.md, "Writing Tandem's own
items").
"""
