"""What the installed calendar package (`chinesecalendar`) knows: plain data, no models, so that the data
migration can use it too. A newer package release adds the years the State Council has announced;
`manage.py load_holidays --year Y` then brings them in."""

import chinese_calendar

HOLIDAY = "holiday"
WORKDAY = "workday"


def package_note():
    return f"chinesecalendar {chinese_calendar.__version__}"


def package_years():
    """The years the package has a complete list for."""
    return sorted({day.year for day in chinese_calendar.holidays})


def package_days(years=None):
    """[(date, kind, name)] for `years` (default: all), holidays and make-up working days, by date."""
    wanted = set(package_years() if years is None else years)
    days = [(d, HOLIDAY, name) for d, name in chinese_calendar.holidays.items() if d.year in wanted]
    days += [(d, WORKDAY, name) for d, name in chinese_calendar.workdays.items() if d.year in wanted]
    return sorted(days)
