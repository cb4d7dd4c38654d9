"""The Retention page (issue 10): schedule, rules, classification summary and holds."""
