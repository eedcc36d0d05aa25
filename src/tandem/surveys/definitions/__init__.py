"""Questionnaire definitions: the code behind `tandem.surveys.instruments`, which describes the YAML
format and is the import path every caller uses (`from tandem.surveys.instruments import …`).

Plain Python (no Django). Modules depend one way: `model` and `errors` ← `section_types` ←
`reading` ← `shipped`; `writing` needs only `model` and `section_types`.
"""
