"""Drills on weak spots: a bilingual bank of one-turn exercises, checked by the scorer, chosen from a
trainee's weak points and graded the moment a rewrite arrives.

The bank and its grading are here; what a trainee's weak points are (SQL over their history) and
where a drill set is recorded belong to `progress`, the only package that writes SQL.
"""
from drills.bank import DrillBank, DrillItem, DrillLines, DrillTopic, load_bank
from drills.check import DrillGrade, bank_problems, grade_rewrite, item_flaw
from drills.errors import DrillBankError, DrillError, NoDrills
from drills.run import DrillRun, resume_drill_set, start_drill_set, suggest_scenario, topic_label
from drills.select import choose_set

__all__ = ["DrillBank", "DrillItem", "DrillLines", "DrillTopic", "load_bank", "DrillGrade", "bank_problems",
           "grade_rewrite", "item_flaw", "DrillBankError", "DrillError", "NoDrills", "DrillRun", "start_drill_set",
           "resume_drill_set", "suggest_scenario", "topic_label", "choose_set"]
