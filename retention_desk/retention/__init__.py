"""Retention: record series as data (schedules/), when each record's retention has run, and
(next) the rules that classify records and the holds that stop disposal. Headless."""
