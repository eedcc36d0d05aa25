"""Contact details, NHS numbers, dates and postcodes: the rules that need no names (2–6 of the
package's docstring)."""

from __future__ import annotations

import re

from tandem.analysis.redaction.words import (
    DATE_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    NHS_NUMBER_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    POSTCODE_PLACEHOLDER,
    Claim,
)

_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone-number-like run: optional +country code and (area code), then digits with single
# spaces, dots or hyphens between them. Only runs with 9–15 digits count (UK numbers have 10 or
# 11), so years and money are left alone.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d(?:[ .-]?\d){5,16}(?![\w])"
)
# Internal extensions and bleeps identify a person in a hospital as surely as a phone number.
_EXTENSION = re.compile(
    r"(?<!\w)(?:ext(?:ension|n)?|bleep|pager)\.?:?\s*(?:no\.?\s*)?\d{3,6}(?!\w)", re.I
)
_MIN_PHONE_DIGITS = 9
_MAX_PHONE_DIGITS = 15
_NHS_NUMBER = re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w])")

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATES = (
    # 12/03/1971, 12-03-71, 12.03.1971 (day and month in either order: both are checked below)
    re.compile(r"(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|\.\d)"),
    # 1971-03-12
    re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-]|\.\d)"),
    # 12 March 1971, 12th of March, 12 Mar. '71
    re.compile(
        rf"(?<!\w){_DAY}(?:\s+of)?\s+(?P<month>{_MONTHS})\.?(?:,?\s+(?:\d{{4}}|['’]\d{{2}}))?(?!\w)",
        re.I,
    ),
    # March 12, 1971 / March 12th
    re.compile(rf"(?<!\w)(?P<month>{_MONTHS})\.?\s+{_DAY}(?:,?\s+\d{{4}})?(?![\w%])", re.I),
    # born in 1971, DOB: 1971, date of birth 1971
    re.compile(
        r"(?:(?<=\bborn\s)|(?<=\bborn\sin\s)|(?<=\bdob\s)|(?<=\bdob:\s)|(?<=\bd\.o\.b\.\s)"
        r"|(?<=\bbirth\s)|(?<=\bbirth:\s))(?:19|20)\d{2}(?!\w)",
        re.I,
    ),
)
# Outward code, optional space, inward code (the inward code never uses C, I, K, M, O or V).
_POSTCODE = re.compile(r"(?<![\w])[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}(?![\w])", re.I)


# Words: letters with apostrophes inside (O'Neill, Okafor's); hyphens end a word, so that
# "Smith-Jones" is two words joined and "Smith-led" loses "Smith".
def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number check digit (modulus 11): weights 10 down to 2 on the first nine digits,
    check = 11 − (sum mod 11), 11 → 0, and 10 never issued (NHS Data Dictionary, "NHS Number")."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _valid_numeric_date(match: re.Match[str]) -> bool:
    groups = match.groups()
    if len(groups) == 4:  # d/m/y or m/d/y
        first, second = int(groups[0]), int(groups[2])
        return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)
    _, month, day = (int(g) for g in groups)
    return 1 <= month <= 12 and 1 <= day <= 31


def claim_patterns(text: str, claim: Claim) -> None:
    """Claim, in this order, e-mail addresses, NHS numbers, dates, postcodes, extensions and phone
    numbers (an e-mail address contains names; an NHS number looks like a phone number)."""
    for match in _EMAIL.finditer(text):
        claim(match.start(), match.end(), EMAIL_PLACEHOLDER)
    for match in _NHS_NUMBER.finditer(text):
        if nhs_number_is_valid(re.sub(r"\D", "", match.group())):
            claim(match.start(), match.end(), NHS_NUMBER_PLACEHOLDER)
    for number, date_pattern in enumerate(_DATES):
        for match in date_pattern.finditer(text):
            if number < 2 and not _valid_numeric_date(match):
                continue
            if "month" in date_pattern.groupindex and match.group("month") == "may":
                continue  # "12 may attend": the verb, not the month
            claim(match.start(), match.end(), DATE_PLACEHOLDER)
    for match in _POSTCODE.finditer(text):
        claim(match.start(), match.end(), POSTCODE_PLACEHOLDER)
    for match in _EXTENSION.finditer(text):
        claim(match.start(), match.end(), PHONE_PLACEHOLDER)
    for match in _PHONE.finditer(text):
        digits = sum(char.isdigit() for char in match.group())
        if _MIN_PHONE_DIGITS <= digits <= _MAX_PHONE_DIGITS:
            claim(match.start(), match.end(), PHONE_PLACEHOLDER)
