"""Numeric dates as in English: ISO 8601 (2021-06-05), never 05/06/2021 that an English reader
takes for the 6th of May."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]  # what a date input sends; a typed 05/06 is not guessed
