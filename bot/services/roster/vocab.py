"""The roster's domain vocabulary: words that are data, used to classify days, to read
people's input and spreadsheet headers. Sentences are in ``bot.texts.roster``."""

from __future__ import annotations

# The three duty teams and the day kinds they cover (shown as they are).
TEAM_DAILY, TEAM_WEEKEND, TEAM_HOLIDAY = "日常专班", "周末专班", "节假日专班"
DAY_KIND_ZH = {"workday": "工作日", "makeup_workday": "工作日（调休上班）",
               "weekend": "周末", "holiday": "法定节假日"}
HOLIDAY_KIND = DAY_KIND_ZH["holiday"]

# The shift lead's role, and what people write for it.
LEAD_ROLE = "带班"
ROLE_ALIASES = {"lead": LEAD_ROLE, "leader": LEAD_ROLE, "带班": LEAD_ROLE, "带班长": LEAD_ROLE,
                "班长": LEAD_ROLE}

# Dates people type relative to today.
RELATIVE_DAYS = {"今天": 0, "明天": 1, "后天": 2, "昨天": -1, "前天": -2}

# What clears a shift in /roster_set.
CLEAR_WORDS = ("无", "-", "空")

# Spreadsheet headers (English or Chinese) → column.
HEADER_ALIASES = {"date": "date", "日期": "date", "shift": "shift", "班次": "shift",
                  "staff": "staff", "人员": "staff", "姓名": "staff", "值班人员": "staff",
                  "role": "role", "角色": "role", "职责": "role"}
