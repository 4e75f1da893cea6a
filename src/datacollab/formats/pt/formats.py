"""Portuguese: "6 de dezembro de 2026", "6 dez 2026".

Months are written in lower case; Django's pt catalogue capitalises them, so
core/month_names.py gives our catalogue the same msgids to translate in lower case.
"""

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
DATETIME_ZONE_FORMAT = r"j \d\e F \d\e Y, H:i T"
DATETIME_ZONE_NAME_FORMAT = r"j \d\e F \d\e Y, H:i e"
SHORT_DATETIME_ZONE_FORMAT = "j b Y, H:i T"
SHORT_DATETIME_ZONE_NAME_FORMAT = "j b Y, H:i e"
SHORT_YEAR_MONTH_FORMAT = "b Y"
WEEKDAY_DATETIME_FORMAT = "D j b Y, H:i"
WEEKDAY_DATETIME_ZONE_FORMAT = "D j b Y, H:i T"
