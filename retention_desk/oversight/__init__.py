"""The social-media policies' oversight duties (`../shared/policies/`): the account registry
with staff, roles and approved users; subscriber-list snapshots; the required page
statements checked against the archive; the moderation log; the annual review report.

Headless; driven by the Oversight page and the `account`, `subscribers`, `statements`,
`moderation` and `review-report` commands through the same functions. The policies
themselves are data: `resources/policies/*.toml`, every clause with its citation.
"""
