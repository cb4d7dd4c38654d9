"""The IPRA request desk (NMSA 1978, 14-2): the request log, its statutory clocks, responsive
records, letters, fees and the log report. Headless; the `request` and `calendar` commands
and the Requests page call these modules:

- `requests`: `new_request`, `get_request`, `list_requests`, the steps that stop clocks
  (`acknowledge`, `mark_burdensome`, `deny`, `fulfil`, `forward`, `withdraw`, `close`,
  `start_work`), `update_request`, `log_time`, `release_due_holds`, `open_request_count`
- `responsive`: `add_by_query`, `add_records`, `rerun_queries`, `remove_records`,
  `responsive_ids`, `responsive_members`, `responsive_counts` (the set is held through
  `retention.holds` while the request is open)
- `clocks`: `compute_clocks` (pure: day counting, deemed denied, damages exposure);
  `calendar`: the business-day calendar (NMSA 12-5-2/12-5-3 holidays, agency closures,
  yearly confirmation); `rules`: `load_rules` (resources/ipra.toml, every rule cited)
- `correspondence`: `build_context`, `write_letter`, `letter_bytes` (letters rendered by
  `letters` from the templates in resources/letters/, kept with the request)
- `fees`: `fee_status`, `add_fee`, `remove_fee`, `record_payment`, `settings_problems`
- `log_export`: `export_log` (XLSX)

Errors are `IpraError(ValueError)` with one sentence for the user. Audit rows carry request
ids, step names and counts only; requesters' particulars stay in the request tables, which
are outside search and productions.
"""
