"""The fixed violation category ids (design.md); other tools store and chart them, so they never change."""
from __future__ import annotations

REPLY_CATEGORIES = (
    "threat_of_violence",
    "abusive_language",
    "false_legal_threat",
    "impersonation",
    "third_party_disclosure",
    "harassment",
    "unfair_practice",
    "privacy_violation",
)
SESSION_CATEGORIES = ("missing_disclosure", "contact_frequency", "calling_hours")
CATEGORIES = REPLY_CATEGORIES + SESSION_CATEGORIES
SEVERITIES = ("critical", "major", "minor")
SEVERITY_RANK = {"critical": 3, "major": 2, "minor": 1}

CATEGORY_LABELS = {
    "threat_of_violence": {"zh": "暴力威胁或恐吓", "en": "threat of violence or intimidation"},
    "abusive_language": {"zh": "辱骂或侮辱性语言", "en": "abusive or obscene language"},
    "false_legal_threat": {"zh": "虚假或不当的法律威胁", "en": "false or improper legal threat"},
    "impersonation": {"zh": "冒充公检法、律师或监管机构", "en": "impersonating police, court, lawyer or government"},
    "third_party_disclosure": {"zh": "向第三方透露或以此施压", "en": "disclosure to third parties"},
    "harassment": {"zh": "骚扰性催收", "en": "harassment"},
    "unfair_practice": {"zh": "不当手段（以贷还贷、额外收费）", "en": "unfair practice (borrowing to repay, unowed fees)"},
    "privacy_violation": {"zh": "过度打探隐私", "en": "prying into private affairs"},
    "missing_disclosure": {"zh": "开场未完整告知", "en": "opening disclosure missing"},
    "contact_frequency": {"zh": "联系频次超限", "en": "contact frequency exceeded"},
    "calling_hours": {"zh": "非允许时段致电", "en": "call outside permitted hours"},
}
