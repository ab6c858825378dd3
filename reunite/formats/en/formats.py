"""Numeric dates in one order in every language: ISO 8601 (2021-06-05), which no reader takes
for the 6th of May. Dates in words stay in each language's own form."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]  # what a date input sends; a typed 05/06 is not guessed
